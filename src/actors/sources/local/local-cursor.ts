import { encodeFileEntry, type FileMark } from './local-file-entry.ts';

/** What a local cursor was read from: another folder or other patterns is a new scope (issue 11). */
export interface LocalScope {
  root: string;
  patterns: string[];
}

/** The format version of local cursors: 2 keeps each file's mark in the per-document state store (local-file-entry.ts). */
export const LOCAL_CURSOR_VERSION = 2;

/**
 * What the local connector remembers between polls, besides each file's mark (per-document state: path → entry):
 * a few hundred bytes whatever the size of the folder (issue 12 part 4).
 */
export interface LocalCursor {
  version: typeof LOCAL_CURSOR_VERSION;
  /** Null for a cursor written before scopes were recorded (no version): unknown scope, read as a backfill. */
  scope: LocalScope | null;
  /** When the folder was last re-read in full (ISO 8601). */
  lastReconcile: string;
}

/** A saved cursor read back, and the per-document entries an older format carried inside it. */
export interface ReadLocalCursor {
  cursor: LocalCursor;
  /** path → encoded entry of every file a version 1 (or unversioned) cursor held; null for a current one. */
  migrated: Record<string, string> | null;
}

/** Version 1 (and the unversioned format before it): every file's mark, and the paths a tripped guard kept, inside the cursor. */
interface LocalCursorV1 {
  version?: 1;
  scope?: LocalScope;
  files: Record<string, FileMark>;
  held?: string[];
  lastReconcile?: string;
}

/**
 * The cursor as saved, or null when there is none or it is not a local cursor: a backfill follows. A version 1 cursor
 * is migrated: its files become per-document entries, so the next poll compares with them (no re-ingestion) and
 * deletes what vanished meanwhile. A cursor without a version also predates scopes: its scope is unknown.
 */
export function readLocalCursor(value: unknown): ReadLocalCursor | null {
  const saved = value as (Partial<LocalCursor> & Partial<Omit<LocalCursorV1, 'version'>>) | null;
  if (saved?.version === LOCAL_CURSOR_VERSION) {
    if (!isLocalScope(saved.scope) || typeof saved.lastReconcile !== 'string') return null;
    return { cursor: { version: LOCAL_CURSOR_VERSION, scope: saved.scope, lastReconcile: saved.lastReconcile }, migrated: null };
  }
  if ((saved?.version !== undefined && saved?.version !== 1) || typeof saved?.files !== 'object' || saved.files === null) return null;
  const held = new Set(Array.isArray(saved.held) ? saved.held : []);
  const migrated: Record<string, string> = {};
  for (const [path, mark] of Object.entries(saved.files)) migrated[path] = encodeFileEntry({ mark, heldBack: held.has(path) });
  const scope = saved.version === 1 && isLocalScope(saved.scope) ? saved.scope : null;
  return { cursor: { version: LOCAL_CURSOR_VERSION, scope, lastReconcile: saved.lastReconcile ?? new Date(0).toISOString() }, migrated };
}

function isLocalScope(scope: unknown): scope is LocalScope {
  const s = scope as Partial<LocalScope> | null | undefined;
  return typeof s?.root === 'string' && Array.isArray(s.patterns);
}
