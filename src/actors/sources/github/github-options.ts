import { type CamelCasedFilled, camelCasedPick, type CamelCasedPick, createOptionsOf } from '../connector-options.ts';
import { httpSourceOptionsOf, type HttpSourceOptions } from '../http/http-source-options.ts';
import { type RepositoryOptions, repositoryOptionsOf } from '../repository/index.ts';
import { type GithubMetadata, githubMetadataSchema } from './github-metadata.ts';

/** The metadata keys GitHub's options take as they are, camelCased (`githubMetadataSchema` documents each). */
const AS_GIVEN = ['owner', 'repo', 'api_url'] as const;

/** A GitHub connector's settings, from `connectors.<name>.metadata` and its token (GITHUB_TOKEN; empty means anonymous, 60 requests per hour). */
export type GithubOptions = RepositoryOptions &
  HttpSourceOptions &
  CamelCasedPick<GithubMetadata, (typeof AS_GIVEN)[number]> &
  CamelCasedFilled<GithubMetadata, 'rate_limit_reserve'>;

/** The GitHub connector's options from its section (metadata checked by `githubMetadataSchema`); throws a `ConfigError` naming a bad key. */
export const githubOptionsOf = createOptionsOf(
  githubMetadataSchema,
  (m, { token }): GithubOptions => ({
    ...repositoryOptionsOf(m),
    ...httpSourceOptionsOf(m, token),
    ...camelCasedPick(m, AS_GIVEN),
    // The default depends on the token (anonymous callers get 60 requests an hour, not 5,000), so the schema leaves it unset.
    rateLimitReserve: m.rate_limit_reserve ?? (token ? 100 : 5),
  }),
);

/** Where a document of this repository is shown on the web (github.com, or the Enterprise host). */
export function webUrlOf(options: GithubOptions, branch: string, path: string): string {
  const host = options.apiUrl === 'https://api.github.com' ? 'https://github.com' : options.apiUrl.replace(/\/api\/v3$/, '');
  return `${host}/${options.owner}/${options.repo}/blob/${encodeURIComponent(branch)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}
