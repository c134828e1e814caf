/** What a push means for one path at its `after` commit. */
export type PushChange = 'upsert' | 'delete';

/** The part of a push payload's `commits[]` entry that lists files (GitHub reports at most 3000 per commit). */
export interface PushCommitFiles {
  added?: readonly string[];
  removed?: readonly string[];
  modified?: readonly string[];
}

/**
 * Collapses the files of a push's commits, oldest first, into the final change per path under `docsPath`
 * ('' or '.' means the whole repository). The last commit touching a path wins: added then removed is `delete`
 * (never a stale upsert of a file that no longer exists), removed then added is `upsert`.
 */
export function collectPushChanges(commits: readonly PushCommitFiles[], docsPath: string): Map<string, PushChange> {
  const under = underDocsPath(docsPath);
  const changes = new Map<string, PushChange>();
  const note = (paths: readonly string[] | undefined, change: PushChange) => {
    for (const path of paths ?? []) if (under(path)) changes.set(path, change);
  };
  for (const commit of commits) {
    note(commit.added, 'upsert');
    note(commit.modified, 'upsert');
    // Last within a commit: git lists a path in one list only, but if a payload ever listed it twice, delete is safe.
    note(commit.removed, 'delete');
  }
  return changes;
}

/** True when any commit of the push adds, modifies or removes a path under `docsPath`. */
export function pushTouchesDocs(commits: readonly PushCommitFiles[], docsPath: string): boolean {
  const under = underDocsPath(docsPath);
  return commits.some((c) => [c.added, c.modified, c.removed].some((paths) => (paths ?? []).some(under)));
}

/** A path test for a docs_path as written in inlet.yaml (`docs`, `./docs/`, `.`, `''`). */
function underDocsPath(docsPath: string): (path: string) => boolean {
  const root = docsPath.replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '');
  if (root === '') return () => true;
  return (path) => path.startsWith(`${root}/`);
}
