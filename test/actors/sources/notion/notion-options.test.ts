import { describe, expect, it } from 'vitest';
import { notionOptionsOf } from '../../../../src/actors/sources/notion/notion-options.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';

const parse = (metadata: Record<string, unknown>) => notionOptionsOf('wiki', connectorSchema.parse({ token: 't', metadata }));

describe('Notion options', () => {
  it('defaults to the whole workspace with a 3 minute overlap and a daily deletion check', () => {
    expect(parse({})).toMatchObject({ rootPageIds: [], dataSourceIds: [], overlapMs: 180_000, deletionCheckMs: 86_400_000, maxDeletionShare: 0.2, apiUrl: 'https://api.notion.com' });
  });

  it('accepts ids with or without dashes', () => {
    expect(parse({ root_page_ids: ['393abc1eedcd80f3813be205934558c6'] }).rootPageIds).toEqual(['393abc1e-edcd-80f3-813b-e205934558c6']);
  });

  it('names the key of a bad value', () => {
    expect(() => parse({ root_page_ids: ['nope'] })).toThrow('connectors.wiki.metadata.root_page_ids');
    expect(() => parse({ max_deletion_share: 2 })).toThrow('connectors.wiki.metadata.max_deletion_share');
    expect(() => parse({ requests_per_second: 0 })).toThrow('connectors.wiki.metadata.requests_per_second');
    expect(() => parse({ root_page_id: [] })).toThrow('connectors.wiki.metadata.root_page_id: unknown key (did you mean root_page_ids?)');
  });
});
