import type { Database } from 'better-sqlite3';
import type { DocumentStateChanges, DocumentStateStore } from './document-state-store.ts';

/** Per-document state in the embedded SQLite file, table `source_state`, one row per connector and document. */
export class SqliteDocumentStateStore implements DocumentStateStore {
  private readonly select;
  private readonly upsert;
  private readonly remove;
  private readonly removeAll;
  private readonly applyAll;

  constructor(db: Database) {
    db.exec('CREATE TABLE IF NOT EXISTS source_state (connector TEXT NOT NULL, document TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (connector, document)) WITHOUT ROWID');
    this.select = db.prepare<[string], { document: string; value: string }>('SELECT document, value FROM source_state WHERE connector = ?');
    this.upsert = db.prepare('INSERT INTO source_state (connector, document, value) VALUES (?, ?, ?) ON CONFLICT(connector, document) DO UPDATE SET value = excluded.value');
    this.remove = db.prepare('DELETE FROM source_state WHERE connector = ? AND document = ?');
    this.removeAll = db.prepare('DELETE FROM source_state WHERE connector = ?');
    // One transaction per poll: a crash leaves the state of before or after the poll, never half of it.
    this.applyAll = db.transaction((connector: string, changes: DocumentStateChanges) => {
      for (const [document, value] of Object.entries(changes.set)) this.upsert.run(connector, document, value);
      for (const document of changes.delete) this.remove.run(connector, document);
    });
  }

  async load(connector: string): Promise<ReadonlyMap<string, string>> {
    return new Map(this.select.all(connector).map((row) => [row.document, row.value]));
  }

  async apply(connector: string, changes: DocumentStateChanges): Promise<void> {
    this.applyAll(connector, changes);
  }

  async clear(connector: string): Promise<void> {
    this.removeAll.run(connector);
  }
}
