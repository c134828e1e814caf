import type { ParentRef } from './notion-scope.ts';

/** What a Notion cursor was read from: a change of any of these is a new scope (issue 11). */
export interface NotionScopeIdentity {
  apiUrl: string;
  rootPageIds: string[];
  dataSourceIds: string[];
}

/** What the Notion connector remembers between polls. */
export interface NotionCursor {
  version: 1;
  /** The scope the cursor covers; null for a cursor written before scopes were recorded (unknown scope). */
  scope: NotionScopeIdentity | null;
  /** The next delta looks at pages edited at or after this (ISO 8601): the newest edit seen minus the overlap. */
  since: string;
  /** pageId → sha256 of its rendered document: every page known to be ingested, and whether it changed. */
  hashes: Record<string, string>;
  /** id → parent of pages, blocks and data sources met, so the scope check fetches ancestors once. */
  parents: Record<string, ParentRef>;
  /** When the ids in scope were last listed to find silent deletions (ISO 8601). */
  lastDeletionCheck: string;
}

/**
 * The cursor as saved, or null when there is none (or it is from another connector kind): a backfill follows. A cursor
 * without a scope predates scopes: its pages are checked against a listing of the scope at the next poll.
 */
export function readCursor(value: unknown): NotionCursor | null {
  const cursor = value as Partial<NotionCursor> | null;
  if (cursor?.version !== 1 || typeof cursor.since !== 'string' || typeof cursor.hashes !== 'object') return null;
  return { version: 1, scope: cursor.scope ?? null, since: cursor.since, hashes: { ...cursor.hashes }, parents: { ...cursor.parents }, lastDeletionCheck: cursor.lastDeletionCheck ?? new Date(0).toISOString() };
}
