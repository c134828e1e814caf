import { createOptionsOf } from '../connector-options.ts';
import { httpSourceOptionsOf, type HttpSourceOptions } from '../http/http-source-options.ts';
import { type RepositoryOptions, repositoryOptionsOf } from '../repository/index.ts';
import { githubMetadataSchema } from './github-metadata.ts';

/** A GitHub connector's settings, from `connectors.<name>.metadata` and its token (GITHUB_TOKEN; empty means anonymous, 60 requests per hour). */
export interface GithubOptions extends RepositoryOptions, HttpSourceOptions {
  owner: string;
  repo: string;
  /** REST API root (`metadata.api_url`): `https://api.github.com`, or `https://<host>/api/v3` for Enterprise Server. */
  apiUrl: string;
  /** Requests kept in hand: below this remaining budget the connector waits for the reset (`metadata.rate_limit_reserve`, default 100; 5 without a token). */
  rateLimitReserve: number;
}

/** The GitHub connector's options from its section (metadata checked by `githubMetadataSchema`); throws a `ConfigError` naming a bad key. */
export const githubOptionsOf = createOptionsOf(
  githubMetadataSchema,
  (m, { token }): GithubOptions => ({
    ...repositoryOptionsOf(m),
    ...httpSourceOptionsOf(m, token),
    owner: m.owner,
    repo: m.repo,
    apiUrl: m.api_url,
    rateLimitReserve: m.rate_limit_reserve ?? (token ? 100 : 5),
  }),
);

/** Where a document of this repository is shown on the web (github.com, or the Enterprise host). */
export function webUrlOf(options: GithubOptions, branch: string, path: string): string {
  const host = options.apiUrl === 'https://api.github.com' ? 'https://github.com' : options.apiUrl.replace(/\/api\/v3$/, '');
  return `${host}/${options.owner}/${options.repo}/blob/${encodeURIComponent(branch)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}
