/** What a Git cursor was read from: a change of any of these is a new scope (issue 11). */
export interface GitScope {
  url: string;
  /** The branch followed: the configured one, or the remote's default resolved when the scope was first read. */
  branch: string;
  docsPath: string;
  patterns: string[];
}

/**
 * What the Git connector remembers between polls. What it remembers per document (path → blob id) is in the
 * per-document state store, written as documents change, so a poll that changes ten files writes ten entries.
 */
export interface GitCursor {
  /** Format of this cursor; bumped, with a migration in `readGitCursor`, when its shape changes. */
  version: 1;
  scope: GitScope;
  /** Last processed commit. */
  head: string;
  /** When the tree was last listed against the documents held (ISO 8601). */
  lastReconcile: string;
}

/** The cursor as saved, or null when there is none, it is of another format or another connector kind: a backfill follows. */
export function readGitCursor(value: unknown): GitCursor | null {
  const cursor = value as Partial<GitCursor> | null;
  if (cursor?.version !== 1 || typeof cursor.head !== 'string' || typeof cursor.scope !== 'object' || cursor.scope === null) return null;
  return { version: 1, scope: cursor.scope, head: cursor.head, lastReconcile: cursor.lastReconcile ?? new Date(0).toISOString() };
}
