/** What a GitHub cursor was read from: a change of any of these is a new scope (issue 11). */
export interface GithubScope {
  apiUrl: string;
  owner: string;
  repo: string;
  /** The branch followed: the configured one, or the default branch resolved when the scope was first read. */
  branch: string;
  docsPath: string;
  patterns: string[];
}

/** What the GitHub connector remembers between polls. */
export interface GithubCursor {
  version: 1;
  /** The scope the cursor covers; null for a cursor written before scopes were recorded (unknown scope). */
  scope: GithubScope | null;
  branch: string;
  /** Last processed commit. */
  head: string;
  /** ETag of the last head answer, for the conditional request. */
  etag: string | null;
  /**
   * path → blob sha of every document held: those at `head`, plus any a tripped mass-deletion guard kept. The old tree
   * when a compare cannot be used, and the documents a reconcile or a scope change checks.
   */
  blobs: Record<string, string>;
  /** When the tree was last listed against `blobs` (ISO 8601). */
  lastReconcile: string;
}

/**
 * The cursor as saved, or null when there is none (or it is from another connector kind): a backfill follows. A
 * cursor without a version predates scopes: it is read with an unknown scope, so its documents are reconciled
 * against a fresh backfill.
 */
export function readGithubCursor(value: unknown): GithubCursor | null {
  const cursor = value as Partial<GithubCursor> | null;
  if (typeof cursor?.head !== 'string' || typeof cursor.branch !== 'string' || typeof cursor.blobs !== 'object' || cursor.blobs === null) return null;
  const scope = cursor.version === 1 && cursor.scope ? cursor.scope : null;
  return {
    version: 1,
    scope,
    branch: cursor.branch,
    head: cursor.head,
    etag: cursor.etag ?? null,
    blobs: { ...cursor.blobs },
    lastReconcile: cursor.lastReconcile ?? new Date(0).toISOString(),
  };
}
