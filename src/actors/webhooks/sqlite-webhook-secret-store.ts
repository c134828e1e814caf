import type { Database } from 'better-sqlite3';
import type { WebhookSecretStore } from './webhook-secret-store.ts';

/** Signing keys in the embedded SQLite file, table `webhook_secrets`. */
export class SqliteWebhookSecretStore implements WebhookSecretStore {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(db: Database) {
    db.exec('CREATE TABLE IF NOT EXISTS webhook_secrets (connector TEXT PRIMARY KEY, secret TEXT NOT NULL)');
    this.select = db.prepare<[string], { secret: string }>('SELECT secret FROM webhook_secrets WHERE connector = ?');
    this.upsert = db.prepare('INSERT INTO webhook_secrets (connector, secret) VALUES (?, ?) ON CONFLICT(connector) DO UPDATE SET secret = excluded.secret');
    this.remove = db.prepare('DELETE FROM webhook_secrets WHERE connector = ?');
  }

  async get(connector: string): Promise<string | null> {
    return this.select.get(connector)?.secret ?? null;
  }

  async set(connector: string, secret: string): Promise<void> {
    this.upsert.run(connector, secret);
  }

  async delete(connector: string): Promise<boolean> {
    return this.remove.run(connector).changes > 0;
  }
}
