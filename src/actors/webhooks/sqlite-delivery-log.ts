import type { Database } from 'better-sqlite3';
import type { DeliveryLog } from './delivery-log.ts';

/** Delivery ids in the embedded SQLite file, table `webhook_deliveries`, forgotten after the window. */
export class SqliteDeliveryLog implements DeliveryLog {
  private readonly purge;
  private readonly insert;
  private readonly remove;

  constructor(
    db: Database,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS webhook_deliveries (source TEXT NOT NULL, id TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (source, id))');
    this.purge = db.prepare('DELETE FROM webhook_deliveries WHERE expires_at <= ?');
    this.insert = db.prepare('INSERT OR IGNORE INTO webhook_deliveries (source, id, expires_at) VALUES (?, ?, ?)');
    this.remove = db.prepare('DELETE FROM webhook_deliveries WHERE source = ? AND id = ?');
  }

  async firstDelivery(source: string, deliveryId: string): Promise<boolean> {
    const now = this.now();
    this.purge.run(now);
    return this.insert.run(source, deliveryId, now + this.windowMs).changes === 1;
  }

  async forget(source: string, deliveryId: string): Promise<void> {
    this.remove.run(source, deliveryId);
  }
}
