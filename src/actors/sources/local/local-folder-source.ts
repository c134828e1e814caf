import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { judgeDeletions } from '../judge-deletions.ts';
import { isSameScope } from '../same-scope.ts';
import { createChangeDebouncer } from './debounce-changes.ts';

/** What the cursor remembers of one file: enough to skip unchanged files without reading them. */
interface FileMark {
  mtimeMs: number;
  size: number;
  hash: string;
  /**
   * Inode change time: a rename, copy or restore sets it, and nothing can set it back, so it tells apart two
   * appearances of the same content and mtime at one path (absent in cursors written before it was kept).
   */
  ctimeMs?: number;
}

/** What a local cursor was read from: another folder or other patterns is a new scope (issue 11). */
interface LocalScope {
  root: string;
  patterns: string[];
}

/** The local connector's cursor: every document held (seen at the last successful poll, or kept by a tripped guard). */
interface LocalCursor {
  version: 1;
  /** Null for a cursor written before scopes were recorded (no version): unknown scope, read as a backfill. */
  scope: LocalScope | null;
  files: Record<string, FileMark>;
  /** Files missing at a reconcile whose deletion the mass-deletion guard refused; polls keep them until the next one. */
  held: string[];
  /** When the folder was last re-read in full (ISO 8601). */
  lastReconcile: string;
}

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

/** Quiet time after a file event before the watcher asks for a poll (ms). */
const WATCH_DEBOUNCE_MS = 150;
/** Default of `metadata.reconcile_hours`, in ms. */
export const DEFAULT_RECONCILE_MS = 24 * 3_600_000;
/** Default of `metadata.max_deletion_share`. */
export const DEFAULT_MAX_DELETION_SHARE = 0.2;
/** Default of `metadata.max_debounce_seconds`, in ms. */
export const DEFAULT_MAX_DEBOUNCE_MS = 2000;

/**
 * A folder of Markdown files as a document source. Each poll walks the folder, compares size and mtime with the
 * cursor, reads only what changed, and emits upserts for new or changed files and deletes for files that vanished
 * (a rename is a delete of the old path plus an upsert of the new one). A file watcher makes changes show within
 * a fraction of a second; the periodic poll catches whatever the watcher missed.
 */
export class LocalFolderSource implements DocumentSource {
  /** Whether this process has reconciled the folder yet: the first poll after start-up always does. */
  private reconciled = false;
  private deletionGuard = 'not run yet';

  constructor(private readonly options: LocalFolderOptions) {}

  async poll({ cursor, guard }: PollRequest): Promise<PollResult> {
    const now = (this.options.now ?? Date.now)();
    const stored = readLocalCursor(cursor);
    const scope: LocalScope = { root: this.options.root, patterns: this.options.extensions };
    const inScope = stored !== null && isSameScope(stored.scope, scope);
    // A reconcile (new or unknown scope, start-up, every reconcile_hours) reads every file, since size and mtime may
    // hide a change made while stopped, and deletes what vanished only through the mass-deletion guard.
    const reconcile = !inScope || !this.reconciled || now - Date.parse(stored.lastReconcile) >= (this.options.reconcileMs ?? DEFAULT_RECONCILE_MS);
    const previous = stored?.files ?? {};
    // Each step goes through the guard, which refuses to start once the poll is abandoned: the walk stops there.
    const paths = await guard(() => this.listDocuments());
    const files: Record<string, FileMark> = {};
    const events: IngestionEvent[] = [];
    for (const path of paths) {
      const before = inScope ? previous[path] : undefined;
      const mark = await guard((signal) => this.markOf(path, reconcile ? undefined : before, signal));
      if (!mark) continue; // vanished between listing and reading: the next poll sees it gone
      files[path] = mark.mark;
      if (!before || before.hash !== mark.mark.hash) events.push(this.upsert(path, mark.mark, mark.content));
    }
    let held = (stored?.held ?? []).filter((path) => !files[path] && previous[path]);
    if (reconcile) {
      const judgement = judgeDeletions(Object.keys(previous), new Set(paths.filter((p) => files[p])), this.options.maxDeletionShare ?? DEFAULT_MAX_DELETION_SHARE);
      held = judgement.tripped ? judgement.missing : [];
      this.reconciled = true;
      this.deletionGuard = judgement.report;
    }
    const kept = new Set(held);
    for (const [path, before] of Object.entries(previous)) {
      if (files[path]) continue;
      if (kept.has(path)) files[path] = before;
      else events.push(this.remove(path, before));
    }
    const lastReconcile = reconcile ? new Date(now).toISOString() : (stored?.lastReconcile ?? new Date(now).toISOString());
    return { events, nextCursor: { version: 1, scope, files, held, lastReconcile } satisfies LocalCursor };
  }

  isOutage(): boolean {
    // Any failure to read the folder (missing, permissions, I/O error) is the source being down.
    return true;
  }

  watch(onChange: () => void): () => void {
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

  private remove(path: string, before: FileMark): IngestionEvent {
    const { name } = this.options;
    return {
      id: `${name}:${path}@deleted@${before.hash.slice(0, 16)}@${before.mtimeMs}${idSuffix(before)}`,
      source: name,
      kind: 'delete',
      docId: `${name}:${path}`,
      path,
      updatedAt: new Date((this.options.now ?? Date.now)()).toISOString(),
    };
  }
}

/** The ctime part of an event id; empty for a mark from a cursor written before ctimes were kept. */
function idSuffix(mark: FileMark): string {
  return mark.ctimeMs === undefined ? '' : `@${mark.ctimeMs}`;
}

/** The cursor as saved, or null when there is none; a cursor without a version predates scopes (unknown scope). */
function readLocalCursor(value: unknown): LocalCursor | null {
  const cursor = value as Partial<LocalCursor> | null;
  if (typeof cursor?.files !== 'object' || cursor.files === null) return null;
  return {
    version: 1,
    scope: cursor.version === 1 && cursor.scope ? cursor.scope : null,
    files: { ...cursor.files },
    held: Array.isArray(cursor.held) ? cursor.held : [],
    lastReconcile: cursor.lastReconcile ?? new Date(0).toISOString(),
  };
}
