import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localFolderOptionsOf } from '../../../../src/actors/sources/local/local-options.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';

const optionsOf = (metadata: Record<string, unknown>) => localFolderOptionsOf('docs', connectorSchema.parse({ metadata }));

describe('local folder options', () => {
  it('resolves the folder and keeps .md and .mdx by default', () => {
    expect(optionsOf({ path: './docs' })).toEqual({ name: 'docs', root: resolve('./docs'), extensions: ['.md', '.mdx'], maxDebounceMs: 2000, reconcileMs: 24 * 3_600_000, maxDeletionShare: 0.2 });
    expect(optionsOf({ path: '/srv/docs', patterns: ['.TXT'] }).extensions).toEqual(['.txt']);
  });

  it('reads max_debounce_seconds in seconds, and refuses a wait that is not above 0', () => {
    expect(optionsOf({ path: './docs', max_debounce_seconds: 0.5 }).maxDebounceMs).toBe(500);
    expect(() => optionsOf({ path: './docs', max_debounce_seconds: 0 })).toThrow('connectors.docs.metadata.max_debounce_seconds');
  });

  it('reads reconcile_hours in hours and max_deletion_share as a share, and refuses values out of range', () => {
    expect(optionsOf({ path: './docs', reconcile_hours: 2, max_deletion_share: '0.5' })).toMatchObject({ reconcileMs: 7_200_000, maxDeletionShare: 0.5 });
    expect(() => optionsOf({ path: './docs', reconcile_hours: -1 })).toThrow('connectors.docs.metadata.reconcile_hours: expected a number above 0');
    expect(() => optionsOf({ path: './docs', max_deletion_share: 2 })).toThrow('connectors.docs.metadata.max_deletion_share: expected a number from 0 to 1');
  });

  it('names a missing path and an unknown key', () => {
    expect(() => optionsOf({})).toThrow('connectors.docs.metadata.path: required, the folder to watch');
    expect(() => optionsOf({ path: './docs', pattern: ['.md'] })).toThrow('connectors.docs.metadata.pattern: unknown key (did you mean patterns?)');
  });
});
