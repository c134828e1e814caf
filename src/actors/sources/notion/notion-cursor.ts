import type { ParentRef } from './notion-scope.ts';

/** What the Notion connector remembers between polls. */
export interface NotionCursor {
  version: 1;
  /** The next delta looks at pages edited at or after this (ISO 8601): the newest edit seen minus the overlap. */
  since: string;
  /** pageId → sha256 of its rendered document: every page known to be ingested, and whether it changed. */
  hashes: Record<string, string>;
  /** id → parent of pages, blocks and data sources met, so the scope check fetches ancestors once. */
  parents: Record<string, ParentRef>;
  /** When the ids in scope were last listed to find silent deletions (ISO 8601). */
  lastDeletionCheck: string;
}

/** The cursor as saved, or null when there is none (or it is from another connector kind): a backfill follows. */
export function readCursor(value: unknown): NotionCursor | null {
  const cursor = value as Partial<NotionCursor> | null;
  if (cursor?.version !== 1 || typeof cursor.since !== 'string' || typeof cursor.hashes !== 'object') return null;
  return { version: 1, since: cursor.since, hashes: { ...cursor.hashes }, parents: { ...cursor.parents }, lastDeletionCheck: cursor.lastDeletionCheck ?? new Date(0).toISOString() };
}
