/** The format version of the cursors of delta-synced sources (Notion, Confluence). */
export const DELTA_CURSOR_VERSION = 2;

/**
 * The cursor of a source that lists changes since a time. It keeps only the scope's identity, the high-water mark
 * and its format version; what the source knows of each document lives in the per-document state store.
 */
export interface DeltaCursor<Scope> {
  version: typeof DELTA_CURSOR_VERSION;
  /** The scope the cursor covers; null for a cursor written before scopes were recorded (unknown scope). */
  scope: Scope | null;
  /** The high-water mark: the next delta looks at changes at or after this instant (ISO 8601, UTC). */
  since: string;
  /** When the ids in scope were last listed to find silent deletions (ISO 8601). */
  lastDeletionCheck: string;
}

/** A saved cursor read back: the cursor, and the per-document entries an older format carried inside it. */
export interface ReadCursor<Scope> {
  cursor: DeltaCursor<Scope>;
  /** Entries to move into the per-document state store (version 1 cursors held every page's state). */
  migrated: Record<string, string>;
}

/**
 * Reads a saved cursor, migrating older formats: version 1 held every page's state inside the cursor, which
 * `entriesOfV1` turns into per-document entries. Null when there is none (or it is of another kind): a backfill follows.
 */
export function readDeltaCursor<Scope>(value: unknown, entriesOfV1: (v1: Record<string, unknown>) => Record<string, string> | null): ReadCursor<Scope> | null {
  const saved = value as (Partial<DeltaCursor<Scope>> & Record<string, unknown>) | null;
  if (typeof saved?.since !== 'string') return null;
  const lastDeletionCheck = typeof saved.lastDeletionCheck === 'string' ? saved.lastDeletionCheck : new Date(0).toISOString();
  const cursor: DeltaCursor<Scope> = { version: DELTA_CURSOR_VERSION, scope: saved.scope ?? null, since: saved.since, lastDeletionCheck };
  if (saved.version === DELTA_CURSOR_VERSION) return { cursor, migrated: {} };
  if (saved.version !== 1) return null;
  const migrated = entriesOfV1(saved);
  return migrated === null ? null : { cursor, migrated };
}
