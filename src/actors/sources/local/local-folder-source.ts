import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { createChangeDebouncer } from './debounce-changes.ts';

/** What the cursor remembers of one file: enough to skip unchanged files without reading them. */
interface FileMark {
  mtimeMs: number;
  size: number;
  hash: string;
}

/** The local connector's cursor: every Markdown file seen at the last successful poll. */
interface LocalCursor {
  files: Record<string, FileMark>;
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
  /** Clock for `updatedAt` stamps of deletes. */
  now?: () => number;
}

/** Quiet time after a file event before the watcher asks for a poll (ms). */
const WATCH_DEBOUNCE_MS = 150;
/** Default of `metadata.max_debounce_seconds`, in ms. */
export const DEFAULT_MAX_DEBOUNCE_MS = 2000;

/**
 * A folder of Markdown files as a document source. Each poll walks the folder, compares size and mtime with the
 * cursor, reads only what changed, and emits upserts for new or changed files and deletes for files that vanished
 * (a rename is a delete of the old path plus an upsert of the new one). A file watcher makes changes show within
 * a fraction of a second; the periodic poll catches whatever the watcher missed.
 */
export class LocalFolderSource implements DocumentSource {
  constructor(private readonly options: LocalFolderOptions) {}

  async poll({ cursor, guard }: PollRequest): Promise<PollResult> {
    const previous = (cursor as LocalCursor | null)?.files ?? {};
    // Each step goes through the guard, which refuses to start once the poll is abandoned: the walk stops there.
    const paths = await guard(() => this.listDocuments());
    const files: Record<string, FileMark> = {};
    const events: IngestionEvent[] = [];
    for (const path of paths) {
      const mark = await guard((signal) => this.markOf(path, previous[path], signal));
      if (!mark) continue; // vanished between listing and reading: the next poll sees it gone
      files[path] = mark.mark;
      const before = previous[path];
      if (!before || before.hash !== mark.mark.hash) events.push(this.upsert(path, mark.mark, mark.content));
    }
    for (const [path, before] of Object.entries(previous)) {
      if (!files[path]) events.push(this.remove(path, before));
    }
    return { events, nextCursor: { files } satisfies LocalCursor };
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
    return { path: this.options.root };
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
      return { mark: { mtimeMs: info.mtimeMs, size: info.size, hash }, content };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private upsert(path: string, mark: FileMark, content: string | undefined): IngestionEvent {
    const { name } = this.options;
    return {
      // The mtime is part of the id so that restoring a deleted file with the same content is not a duplicate.
      id: `${name}:${path}@${mark.hash.slice(0, 16)}@${mark.mtimeMs}`,
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
      id: `${name}:${path}@deleted@${before.hash.slice(0, 16)}@${before.mtimeMs}`,
      source: name,
      kind: 'delete',
      docId: `${name}:${path}`,
      path,
      updatedAt: new Date((this.options.now ?? Date.now)()).toISOString(),
    };
  }
}
