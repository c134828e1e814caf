/** What a Confluence cursor was read from: a change of any of these is a new scope (issue 11). */
export interface ConfluenceScopeIdentity {
  baseUrl: string;
  spaces: string[];
  cql: string;
  includeBlogposts: boolean;
}

/** What the Confluence connector remembers between polls. */
export interface ConfluenceCursor {
  version: 1;
  /** The scope the cursor covers; null for a cursor written before scopes were recorded (unknown scope). */
  scope: ConfluenceScopeIdentity | null;
  /**
   * The newest modification seen minus the overlap, as a UTC instant (ISO 8601). Never a site-local time: the delta
   * query converts it with the time-zone slack (confluence-cql.ts), so a zone or DST shift cannot skip a change.
   */
  since: string;
  /** pageId → `<version>/<parentId>` of every page known to be ingested: the re-read window is deduplicated by it. */
  pages: Record<string, string>;
  /** pageId → `page` | `blogpost`, to fetch a known id from the right v2 endpoint. */
  types: Record<string, 'page' | 'blogpost'>;
  /** When the ids in the spaces were last listed to find silent deletions (ISO 8601). */
  lastDeletionCheck: string;
}

/**
 * The cursor as saved, or null when there is none (or it is from another connector kind): a backfill follows. A cursor
 * without a scope predates scopes: its pages are checked against a listing of the spaces at the next poll.
 */
export function readCursor(value: unknown): ConfluenceCursor | null {
  const cursor = value as Partial<ConfluenceCursor> | null;
  if (cursor?.version !== 1 || typeof cursor.since !== 'string' || typeof cursor.pages !== 'object' || cursor.pages === null) return null;
  return {
    version: 1,
    scope: cursor.scope ?? null,
    since: cursor.since,
    pages: { ...cursor.pages },
    types: { ...cursor.types },
    lastDeletionCheck: cursor.lastDeletionCheck ?? new Date(0).toISOString(),
  };
}
