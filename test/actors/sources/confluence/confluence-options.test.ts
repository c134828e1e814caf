import { describe, expect, it } from 'vitest';
import { confluenceOptionsOf } from '../../../../src/actors/sources/confluence/confluence-options.ts';
import { parseConfig, secretsOf } from '../../../../src/config/load-config.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';

const optionsOf = (metadata: Record<string, unknown>, token = '') => confluenceOptionsOf('wiki', connectorSchema.parse({ token, metadata }));

describe('Confluence options', () => {
  it('defaults to Cloud for atlassian.net, Data Center elsewhere, with the documented defaults', () => {
    expect(optionsOf({ base_url: 'https://acme.atlassian.net/wiki/', spaces: ['ENG'] })).toMatchObject({
      baseUrl: 'https://acme.atlassian.net/wiki',
      flavor: 'cloud',
      spaces: ['ENG'],
      includeBlogposts: false,
      overlapMs: 300_000,
      deletionCheckMs: 86_400_000,
      maxDeletionShare: 0.2,
      timeZone: undefined,
    });
    expect(optionsOf({ base_url: 'https://wiki.example.com/confluence', spaces: 'ENG,OPS' })).toMatchObject({ flavor: 'datacenter', spaces: ['ENG', 'OPS'] });
  });

  it('names the key that is missing or wrong', () => {
    expect(() => optionsOf({ spaces: ['ENG'] })).toThrow('connectors.wiki.metadata.base_url: required');
    expect(() => optionsOf({ base_url: 'https://a.atlassian.net/wiki' })).toThrow('connectors.wiki.metadata.spaces: required');
    expect(() => optionsOf({ base_url: 'https://a.atlassian.net/wiki', spaces: ['ENG'], flavor: 'server' })).toThrow('metadata.flavor');
    expect(() => optionsOf({ base_url: 'https://a.atlassian.net/wiki', spaces: ['ENG'], time_zone: 'Mars/Olympus' })).toThrow('metadata.time_zone');
    expect(() => optionsOf({ base_url: 'https://a.atlassian.net/wiki', spaces: ['bad key'] })).toThrow('is not a space key');
    expect(() => optionsOf({ base_url: 'https://a.atlassian.net/wiki', spaces: ['ENG'], timezone: 'UTC' })).toThrow(
      'connectors.wiki.metadata.timezone: unknown key (did you mean time_zone?)',
    );
  });

  it('takes Cloud credentials from CONFLUENCE_EMAIL + CONFLUENCE_API_TOKEN and Data Center ones from CONFLUENCE_PAT, as secrets', () => {
    const yaml = 'connectors:\n  wiki:\n    kind: confluence\n    metadata: { base_url: "https://acme.atlassian.net/wiki", spaces: [ENG] }\n';
    const cloud = parseConfig(yaml, 'inlet.yaml', { CONFLUENCE_EMAIL: 'me@acme.com', CONFLUENCE_API_TOKEN: 'cloud-token' });
    expect(cloud.connectors.wiki).toMatchObject({ token: 'cloud-token', metadata: { email: 'me@acme.com' } });
    expect(secretsOf(cloud)).toContain('cloud-token');
    const dc = parseConfig(yaml, 'inlet.yaml', { CONFLUENCE_PAT: 'dc-pat' });
    expect(dc.connectors.wiki!.token).toBe('dc-pat');
    expect(confluenceOptionsOf('wiki', dc.connectors.wiki!)).toMatchObject({ email: '', token: 'dc-pat' });
  });
});
