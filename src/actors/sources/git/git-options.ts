import { join, resolve } from 'node:path';
import { type CamelCasedPick, createOptionsOf } from '../connector-options.ts';
import { type RepositoryOptions, repositoryOptionsOf } from '../repository/index.ts';
import { type GitMetadata, gitMetadataSchema } from './git-metadata.ts';

/** A Git connector's settings, from `connectors.<name>.metadata` (`gitMetadataSchema` documents `url` and `clone_dir`). */
export type GitOptions = RepositoryOptions &
  CamelCasedPick<GitMetadata, 'url' | 'clone_dir'> & {
    /** `metadata.timeout_seconds`, in ms. */
    timeoutMs: number;
  };

/** The Git connector's options from its section (metadata checked by `gitMetadataSchema`); throws a `ConfigError` naming a bad key. */
export const gitOptionsOf = createOptionsOf(
  gitMetadataSchema,
  (m, { name }): GitOptions => ({
    ...repositoryOptionsOf(m),
    // A local path is made absolute: git runs inside the clone, where a relative one would mean something else.
    url: isLocalPath(m.url) ? resolve(m.url) : m.url,
    timeoutMs: m.timeout_seconds * 1000,
    // Absolute for the same reason; the default names the connector, which the schema does not know.
    cloneDir: resolve(m.clone_dir === '' ? join('.inlet', 'git', name) : m.clone_dir),
  }),
);

/** True for a path rather than a URL (`https://…`, `file://…`) or scp-like address (`git@host:org/repo.git`). */
function isLocalPath(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^[^/]*:/.test(url);
}
