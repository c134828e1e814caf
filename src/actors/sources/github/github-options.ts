import { createOptionsOf } from '../connector-options.ts';
import { httpSourceOptionsOf } from '../http/http-source-options.ts';
import { repositoryOptionsOf } from '../repository/index.ts';
import { githubMetadataSchema } from './github-metadata.ts';

/**
 * The GitHub connector's options from its section (metadata checked by `githubMetadataSchema`, which documents each key)
 * and its token (GITHUB_TOKEN; empty means anonymous, 60 requests per hour); throws a `ConfigError` naming a bad key.
 */
export const githubOptionsOf = createOptionsOf(githubMetadataSchema, {
  asGiven: ['owner', 'repo', 'api_url'],
  parts: [
    repositoryOptionsOf,
    httpSourceOptionsOf,
    // The reserve's default depends on the token (anonymous callers get 60 requests an hour, not 5,000), so the schema leaves it unset.
    (m, { token }) => ({ rateLimitReserve: m.rate_limit_reserve ?? (token ? 100 : 5) }),
  ],
});

/** A GitHub connector's settings. */
export type GithubOptions = ReturnType<typeof githubOptionsOf>;

/** Where a document of this repository is shown on the web (github.com, or the Enterprise host). */
export function webUrlOf(options: GithubOptions, branch: string, path: string): string {
  const host = options.apiUrl === 'https://api.github.com' ? 'https://github.com' : options.apiUrl.replace(/\/api\/v3$/, '');
  return `${host}/${options.owner}/${options.repo}/blob/${encodeURIComponent(branch)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}
