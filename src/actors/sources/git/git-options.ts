import { join, resolve } from 'node:path';
import { createOptionsOf } from '../connector-options.ts';
import { repositoryOptionsOf } from '../repository/index.ts';
import { gitMetadataSchema } from './git-metadata.ts';

/** The Git connector's options from its section (metadata checked by `gitMetadataSchema`, which documents each key); throws a `ConfigError` naming a bad key. */
export const gitOptionsOf = createOptionsOf(gitMetadataSchema, {
  asGiven: [],
  parts: [
    repositoryOptionsOf,
    (m, { name }) => ({
      // A local path is made absolute: git runs inside the clone, where a relative one would mean something else.
      url: isLocalPath(m.url) ? resolve(m.url) : m.url,
      /** `metadata.timeout_seconds`, in ms. */
      timeoutMs: m.timeout_seconds * 1000,
      // Absolute for the same reason; the default names the connector, which the schema does not know.
      cloneDir: resolve(m.clone_dir === '' ? join('.inlet', 'git', name) : m.clone_dir),
    }),
  ],
});

/** A Git connector's settings. */
export type GitOptions = ReturnType<typeof gitOptionsOf>;

/** True for a path rather than a URL (`https://…`, `file://…`) or scp-like address (`git@host:org/repo.git`). */
function isLocalPath(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^[^/]*:/.test(url);
}
