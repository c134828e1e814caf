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

/** The format version of GitHub cursors: 2 keeps the blob of each document in the per-document state store. */
export const GITHUB_CURSOR_VERSION = 2;

/** What the GitHub connector remembers between polls, besides each document's blob (per-document state: path → sha). */
export interface GithubCursor {
  version: typeof GITHUB_CURSOR_VERSION;
  /** The scope the cursor covers; null for a cursor written before scopes were recorded (unknown scope). */
  scope: GithubScope | null;
  branch: string;
  /** Last processed commit. */
  head: string;
  /** ETag of the last head answer, for the conditional request. */
  etag: string | null;
  /** When the tree was last listed against the documents held (ISO 8601). */
  lastReconcile: string;
}

/** A saved cursor read back, and the blobs an older format carried inside it (to move into the per-document state). */
export interface ReadGithubCursor {
  cursor: GithubCursor;
  /** path → blob sha of a version 1 (or unversioned) cursor; null for a current one. */
  migrated: Record<string, string> | null;
}

/**
 * The cursor as saved, or null when there is none (or it is from another connector kind): a backfill follows. Version 1
 * held every document's blob inside the cursor; a cursor without a version also predates scopes, so it is read with
 * an unknown scope and its documents are reconciled against a fresh backfill.
 */
export function readGithubCursor(value: unknown): ReadGithubCursor | null {
  const saved = value as (Partial<Omit<GithubCursor, 'version'>> & { version?: number; blobs?: Record<string, string> }) | null;
  if (typeof saved?.head !== 'string' || typeof saved.branch !== 'string') return null;
  const current = saved.version === GITHUB_CURSOR_VERSION;
  if (!current && (typeof saved.blobs !== 'object' || saved.blobs === null)) return null;
  const scope = (current || saved.version === 1) && saved.scope ? saved.scope : null;
  const cursor: GithubCursor = {
    version: GITHUB_CURSOR_VERSION,
    scope,
    branch: saved.branch,
    head: saved.head,
    etag: saved.etag ?? null,
    lastReconcile: saved.lastReconcile ?? new Date(0).toISOString(),
  };
  return { cursor, migrated: current ? null : { ...saved.blobs } };
}
