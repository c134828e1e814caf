import type Database from 'better-sqlite3';
import { wrapSqliteError } from '../stores/wrap-sqlite-error.ts';
import { ChangeCursorError } from './change-cursor-error.ts';
import { CHANGE_FEED_RETENTION, type Change, type ChangeFeed, type ChangePage, type ChangeRecord } from './change-feed.ts';

// AUTOINCREMENT: ids are never reused, so a cursor never points at a later change after the head was trimmed.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS change_feed (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc_id TEXT NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  url TEXT,
  committed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS change_feed_last_commit (
  doc_id TEXT PRIMARY KEY,
  committed_at TEXT NOT NULL
);`;

interface Row {
  id: number;
  doc_id: string;
  source: string;
  kind: 'upsert' | 'delete';
  path: string;
  url: string | null;
  committed_at: string;
}

/** Options for tests. */
export interface SqliteChangeFeedOptions {
  /** Changes kept; default `CHANGE_FEED_RETENTION`. */
  retention?: number;
  /** How often `follow` looks for new rows (ms); default 250. */
  pollMs?: number;
  now?: () => number;
}

/**
 * The change feed in the embedded SQLite file: an autoincrement row per change. Appends are one transaction each, so
 * the id order is the commit order across the processes sharing the file. The cursor is the row id.
 */
export class SqliteChangeFeed implements ChangeFeed {
  private readonly retention: number;
  private readonly pollMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Database.Database,
    options: SqliteChangeFeedOptions = {},
  ) {
    this.retention = options.retention ?? CHANGE_FEED_RETENTION;
    this.pollMs = options.pollMs ?? 250;
    this.now = options.now ?? Date.now;
    db.exec(SCHEMA);
  }

  async append(changes: readonly ChangeRecord[]): Promise<void> {
    if (changes.length === 0) return;
    const committedAt = new Date(this.now()).toISOString();
    this.run(() =>
      this.db.transaction(() => {
        const insert = this.db.prepare('INSERT INTO change_feed (doc_id, source, kind, path, url, committed_at) VALUES (?, ?, ?, ?, ?, ?)');
        const seen = this.db.prepare('INSERT INTO change_feed_last_commit (doc_id, committed_at) VALUES (?, ?) ON CONFLICT (doc_id) DO UPDATE SET committed_at = excluded.committed_at');
        const forget = this.db.prepare('DELETE FROM change_feed_last_commit WHERE doc_id = ?');
        let last = 0;
        for (const c of changes) {
          last = Number(insert.run(c.docId, c.source, c.kind, c.path, c.url ?? null, committedAt).lastInsertRowid);
          if (c.kind === 'delete') forget.run(c.docId);
          else seen.run(c.docId, committedAt);
        }
        this.db.prepare('DELETE FROM change_feed WHERE id <= ?').run(last - this.retention);
      })(),
    );
  }

  async read(since: string | undefined, limit: number): Promise<ChangePage> {
    return this.run(() => {
      if (since === undefined) {
        const rows = this.db.prepare('SELECT * FROM change_feed ORDER BY id DESC LIMIT ?').all(limit) as Row[];
        rows.reverse();
        return { changes: rows.map(changeOf), nextCursor: rows.length > 0 ? String(rows[rows.length - 1].id) : String(this.lastId()), hasMore: false };
      }
      // One read transaction: another process's append cannot trim past the cursor between the check and the read.
      const rows = this.db.transaction(() => {
        const after = this.position(since);
        return this.db.prepare('SELECT * FROM change_feed WHERE id > ? ORDER BY id LIMIT ?').all(after, limit + 1) as Row[];
      })();
      const page = rows.slice(0, limit);
      return { changes: page.map(changeOf), nextCursor: page.length > 0 ? String(page[page.length - 1].id) : since, hasMore: rows.length > limit };
    });
  }

  async lastCommitted(docIds: readonly string[]): Promise<Map<string, string>> {
    if (docIds.length === 0) return new Map();
    const rows = this.run(
      () => this.db.prepare(`SELECT doc_id, committed_at FROM change_feed_last_commit WHERE doc_id IN (${docIds.map(() => '?').join(',')})`).all(...docIds) as { doc_id: string; committed_at: string }[],
    );
    return new Map(rows.map((r) => [r.doc_id, r.committed_at]));
  }

  async follow(onChanges: (changes: Change[]) => void, onError: (error: unknown) => void): Promise<() => void> {
    let after = this.run(() => this.lastId());
    const timer = setInterval(() => {
      try {
        const rows = this.db.prepare('SELECT * FROM change_feed WHERE id > ? ORDER BY id LIMIT 1000').all(after) as Row[];
        if (rows.length === 0) return;
        after = rows[rows.length - 1].id;
        onChanges(rows.map(changeOf));
      } catch (error) {
        onError(wrapSqliteError('changes', error));
      }
    }, this.pollMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** The row id a cursor stands for, checked: a trimmed-away gap after it, or an id never handed out, is refused. */
  private position(cursor: string): number {
    if (!/^\d{1,15}$/.test(cursor)) throw new ChangeCursorError(cursor, 'malformed');
    const id = Number(cursor);
    if (id > this.lastId()) throw new ChangeCursorError(cursor, 'unknown');
    const oldest = this.db.prepare('SELECT min(id) FROM change_feed').pluck().get() as number | null;
    // Trimming removes from the head only: after `oldest - 1` nothing is missing yet.
    if (id > 0 && oldest !== null && id < oldest - 1) throw new ChangeCursorError(cursor, 'expired');
    return id;
  }

  private lastId(): number {
    const seq = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'change_feed'").pluck().get() as number | undefined;
    return seq ?? 0;
  }

  private run<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof ChangeCursorError) throw error;
      throw wrapSqliteError('changes', error);
    }
  }
}

function changeOf(row: Row): Change {
  return {
    cursor: String(row.id),
    docId: row.doc_id,
    source: row.source,
    kind: row.kind,
    path: row.path,
    ...(row.url !== null && { url: row.url }),
    committedAt: row.committed_at,
  };
}
