import { describe, expect, it } from 'vitest';
import { githubOptionsOf } from '../../../../src/actors/sources/github/github-options.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';

const optionsOf = (metadata: Record<string, unknown>, token = '') => githubOptionsOf('gh', connectorSchema.parse({ token, metadata }));

describe('GitHub options', () => {
  it('has the documented defaults; the rate-limit reserve is 100 with a token and 5 without', () => {
    expect(optionsOf({ owner: 'octo', repo: 'handbook' }, 't')).toEqual({
      owner: 'octo',
      repo: 'handbook',
      docsPath: '',
      branch: undefined,
      extensions: ['.md', '.mdx'],
      apiUrl: 'https://api.github.com',
      maxFileBytes: 1_000_000,
      rateLimitReserve: 100,
      requestTimeoutMs: 30_000,
      reconcileMs: 24 * 3_600_000,
      maxDeletionShare: 0.2,
      token: 't',
    });
    expect(optionsOf({ owner: 'octo', repo: 'handbook' }).rateLimitReserve).toBe(5);
  });

  it('normalises docs_path and api_url, and takes numbers given as strings', () => {
    expect(optionsOf({ owner: 'o', repo: 'r', docs_path: './docs/guides/', api_url: 'https://ghe.example.com/api/v3/', request_timeout_seconds: '5' })).toMatchObject({
      docsPath: 'docs/guides',
      apiUrl: 'https://ghe.example.com/api/v3',
      requestTimeoutMs: 5000,
    });
  });

  it('reads reconcile_hours in hours and max_deletion_share as a share, and refuses values out of range', () => {
    expect(optionsOf({ owner: 'o', repo: 'r', reconcile_hours: '0.5', max_deletion_share: 0.5 })).toMatchObject({ reconcileMs: 1_800_000, maxDeletionShare: 0.5 });
    expect(() => optionsOf({ owner: 'o', repo: 'r', reconcile_hours: 0 })).toThrow('connectors.gh.metadata.reconcile_hours: expected a number above 0');
    expect(() => optionsOf({ owner: 'o', repo: 'r', max_deletion_share: 1.5 })).toThrow('connectors.gh.metadata.max_deletion_share: expected a number from 0 to 1');
  });

  it('names the key that is missing, wrong or unknown', () => {
    expect(() => optionsOf({ repo: 'r' })).toThrow('connectors.gh.metadata.owner: required for a GitHub connector');
    expect(() => optionsOf({ owner: 'o', repo: 'r', max_file_bytes: 'lots' })).toThrow('connectors.gh.metadata.max_file_bytes: expected a number');
    expect(() => optionsOf({ owner: 'o', repo: 'r', brnach: 'main' })).toThrow('connectors.gh.metadata.brnach: unknown key (did you mean branch?)');
  });
});
