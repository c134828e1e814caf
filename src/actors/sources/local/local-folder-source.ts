import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { DocumentStates } from '../document-states.ts';
import { judgeDeletions } from '../judge-deletions.ts';
import { isSameScope } from '../same-scope.ts';
import { createChangeDebouncer } from './debounce-changes.ts';
import { LOCAL_CURSOR_VERSION, type LocalCursor, type LocalScope, readLocalCursor } from './local-cursor.ts';
import { decodeFileEntry, encodeFileEntry, type FileMark } from './local-file-entry.ts';

/** Options of a local folder connector (`metadata.path`, `metadata.patterns`). */
export interface LocalFolderOptions {
  /** Connector name: the `source` of its events and the prefix of its document ids. */
  name: string;
  /** Folder to watch. */
  root: string;
  /** File extensions that are documents. Default `.md`, `.mdx`. */
  extensions: string[];
  /** Longest the watcher holds changes under continuous writes before asking for a poll (ms). Default 2000. */
  maxDebounceMs?: number;
  /** How often the folder is re-read in full, besides at start-up (ms). Default 24 h. */
  reconcileMs?: number;
  /** Above this share of held files missing at once, a reconcile deletes nothing. Default 0.2. */
  maxDeletionShare?: number;
  /** Clock for `updatedAt` stamps of deletes and for the reconcile schedule. */
  now?: () => number;
}

/** The per-document entry of a file whose events a poll is enqueueing: it may or may not be in the stores yet. */
export const UNSETTLED_FILE = 'unsettled';

/** Quiet time after a file event before the watcher asks for a poll (ms). */
const WATCH_DEBOUNCE_MS = 150;
/** Default of `metadata.reconcile_hours`, in ms. */
export const DEFAULT_RECONCILE_MS = 24 * 3_600_000;
/** Default of `metadata.max_deletion_share`. */
export const DEFAULT_MAX_DELETION_SHARE = 0.2;
/** Default of `metadata.max_debounce_seconds`, in ms. */
export const DEFAULT_MAX_DEBOUNCE_MS = 2000;

/**
 * A folder of Markdown files as a document source. Each poll walks the folder, compares size and mtime with those
 * held for each file (per-document state store, issue 12 part 4), reads only what changed, and emits upserts for new or changed files and deletes for files that vanished
 * (a rename is a delete of the old path plus an upsert of the new one). A file watcher makes changes show within
 * a fraction of a second; the periodic poll catches whatever the watcher missed.
 */
export class LocalFolderSource implements DocumentSource {
  /** Whether this process has reconciled the folder yet: the first poll after start-up always does. */
  private reconciled = false;
  private deletionGuard = 'not run yet';

  constructor(private readonly options: LocalFolderOptions) {}

  async poll({ cursor, documents, guard }: PollRequest): Promise<PollResult> {
    const now = (this.options.now ?? Date.now)();
    const read = readLocalCursor(cursor);
    // Per-document state: path → entry (mark, held back or not) of every file held, as of the last poll that saved it.
    const states = new DocumentStates(documents);
    // No cursor means a full backfill (every file read and upserted), but the state is kept: it is saved before the
    // cursor, so a poll whose cursor write failed leaves the files it enqueued there, and a reconcile deletes those gone
    // since. An older cursor held the files itself; its entries go on top of any left by a newer run rolled back.
    for (const [path, entry] of Object.entries(read?.migrated ?? {})) states.set(path, entry);
    const stored = read?.cursor ?? null;
    const scope: LocalScope = { root: this.options.root, patterns: this.options.extensions };
    const inScope = stored !== null && isSameScope(stored.scope, scope);
    // A reconcile (new or unknown scope, start-up, every reconcile_hours) reads every file, since size and mtime may
    // hide a change made while stopped, and deletes what vanished only through the mass-deletion guard.
    const reconcile = !inScope || !this.reconciled || now - Date.parse(stored.lastReconcile) >= (this.options.reconcileMs ?? DEFAULT_RECONCILE_MS);
    // Files an earlier poll sent events for without finishing (UNSETTLED_FILE): those events may have landed all the same.
    const unsettled = new Set([...states.ids()].filter((path) => states.get(path) === UNSETTLED_FILE));
    const known = [...states.ids()].filter((path) => !unsettled.has(path));
    const entryOf = (path: string) => {
      const value = states.get(path);
      return value === undefined ? undefined : decodeFileEntry(value);
    };
    // Each step goes through the guard, which refuses to start once the poll is abandoned: the walk stops there.
    const paths = await guard(() => this.listDocuments());
    const seen = new Set<string>();
    const events: IngestionEvent[] = [];
    for (const path of paths) {
      const before = inScope ? entryOf(path)?.mark : undefined;
      const found = await guard((signal) => this.markOf(path, reconcile ? undefined : before, signal));
      if (!found) continue; // vanished between listing and reading: the next poll sees it gone
      seen.add(path);
      // An unchanged file sets the entry it has, which is no write: an idle poll writes nothing.
      states.set(path, encodeFileEntry({ mark: found.mark, heldBack: false }));
      if (!before || before.hash !== found.mark.hash) events.push(this.upsert(path, found.mark, found.content));
    }
    let tripped = false;
    if (reconcile) {
      const judgement = judgeDeletions(known, seen, this.options.maxDeletionShare ?? DEFAULT_MAX_DELETION_SHARE);
      tripped = judgement.tripped;
      this.reconciled = true;
      this.deletionGuard = judgement.report;
    }
    for (const path of known) {
      if (seen.has(path)) continue;
      const entry = entryOf(path)!;
      // A tripped reconcile holds back every missing file, and polls keep them until a reconcile may delete them.
      if (tripped || (!reconcile && entry.heldBack)) states.set(path, encodeFileEntry({ mark: entry.mark, heldBack: true }));
      else {
        events.push(this.remove(path, entry.mark));
        states.delete(path);
      }
    }
    // An unsettled file that is gone is deleted outside the mass-deletion guard: the guard protects documents known to
    // be stored from a listing that lost them, and these may never have been stored; a delete of one that was not is a no-op.
    for (const path of unsettled) {
      if (seen.has(path)) continue;
      events.push(this.remove(path, undefined, now));
      states.delete(path);
    }
    const lastReconcile = reconcile || !stored ? new Date(now).toISOString() : stored.lastReconcile;
    // Marked before the events are enqueued: an enqueue that failed but landed (Redis ran it after the client gave up)
    // leaves the marks, and the next poll then deletes what they name if it is gone (see create-poll-logic.ts).
    const pending = states.mark(
      events.map((e) => e.path),
      UNSETTLED_FILE,
    );
    return { events, nextCursor: { version: LOCAL_CURSOR_VERSION, scope, lastReconcile } satisfies LocalCursor, documents: states.changes(), pending };
  }

  isOutage(): boolean {
    // Any failure to read the folder (missing, permissions, I/O error) is the source being down.
    return true;
  }

  watch(onChange: (firstNoticeAt: number) => void): () => void {
    const debouncer = createChangeDebouncer({ waitMs: WATCH_DEBOUNCE_MS, maxWaitMs: this.options.maxDebounceMs ?? DEFAULT_MAX_DEBOUNCE_MS }, onChange);
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(this.options.root, { recursive: true }, () => debouncer.signal());
      // A watcher error (folder removed) must not crash the process; polling still covers the folder.
      watcher.on('error', () => watcher?.close());
    } catch {
      // The folder may not exist yet; the poll reports that through the breaker.
    }
    return () => {
      debouncer.stop();
      watcher?.close();
    };
  }

  health(): Record<string, unknown> {
    return { path: this.options.root, deletion_guard: this.deletionGuard };
  }

  private async listDocuments(): Promise<string[]> {
    const entries = await readdir(this.options.root, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && this.options.extensions.includes(extname(e.name).toLowerCase()))
      .map((e) => relative(this.options.root, join(e.parentPath, e.name)).split(sep).join('/'))
      .filter((path) => !path.split('/').some((part) => part.startsWith('.')))
      .sort();
  }

  /** The file's mark, reading it only when size or mtime moved; undefined when it vanished meanwhile. */
  private async markOf(path: string, before: FileMark | undefined, signal?: AbortSignal): Promise<{ mark: FileMark; content?: string } | undefined> {
    const full = join(this.options.root, path);
    try {
      const info = await stat(full);
      if (before && before.mtimeMs === info.mtimeMs && before.size === info.size) return { mark: before };
      const content = await readFile(full, { encoding: 'utf8', signal });
      const hash = createHash('sha256').update(content).digest('hex');
      return { mark: { mtimeMs: info.mtimeMs, size: info.size, hash, ctimeMs: info.ctimeMs }, content };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private upsert(path: string, mark: FileMark, content: string | undefined): IngestionEvent {
    const { name } = this.options;
    return {
      // mtime and ctime are part of the id so that restoring a deleted file with the same content is not a duplicate,
      // even with its mtime kept (a rename away and back, `cp -p`): the queue drops a repeated id for days.
      id: `${name}:${path}@${mark.hash.slice(0, 16)}@${mark.mtimeMs}${idSuffix(mark)}`,
      source: name,
      kind: 'upsert',
      docId: `${name}:${path}`,
      path,
      content: content ?? '',
      updatedAt: new Date(mark.mtimeMs).toISOString(),
    };
  }

  /** The delete of `path`, whose last mark was `before`; without one (an unsettled file), its id carries the poll's time. */
  private remove(path: string, before: FileMark | undefined, now?: number): IngestionEvent {
    const { name } = this.options;
    return {
      id: before ? `${name}:${path}@deleted@${before.hash.slice(0, 16)}@${before.mtimeMs}${idSuffix(before)}` : `${name}:${path}@deleted@unsettled@${now}`,
      source: name,
      kind: 'delete',
      docId: `${name}:${path}`,
      path,
      updatedAt: new Date((this.options.now ?? Date.now)()).toISOString(),
    };
  }
}

/** The ctime part of an event id; empty for a mark recorded before ctimes were kept. */
function idSuffix(mark: FileMark): string {
  return mark.ctimeMs === undefined ? '' : `@${mark.ctimeMs}`;
}
