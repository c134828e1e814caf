import type { Database } from 'better-sqlite3';
import type { CursorStore } from './cursor-store.ts';

/** Cursors in the embedded SQLite file, table `cursors`. */
export class SqliteCursorStore implements CursorStore {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(db: Database) {
    db.exec('CREATE TABLE IF NOT EXISTS cursors (connector TEXT PRIMARY KEY, value TEXT NOT NULL)');
    this.select = db.prepare<[string], { value: string }>('SELECT value FROM cursors WHERE connector = ?');
    this.upsert = db.prepare('INSERT INTO cursors (connector, value) VALUES (?, ?) ON CONFLICT(connector) DO UPDATE SET value = excluded.value');
    this.remove = db.prepare('DELETE FROM cursors WHERE connector = ?');
  }

  async get(connector: string): Promise<unknown> {
    const row = this.select.get(connector);
    return row ? JSON.parse(row.value) : null;
  }

  async set(connector: string, cursor: unknown): Promise<void> {
    this.upsert.run(connector, JSON.stringify(cursor));
  }

  async delete(connector: string): Promise<void> {
    this.remove.run(connector);
  }
}
