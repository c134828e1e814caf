import type Database from 'better-sqlite3';

// One set of tables for every queue in the file, keyed by a `queue` column, so several queues can share it.
// `id` is AUTOINCREMENT only so a receipt (the row id) is never reused by a later event; order lives in `seq`,
// which may go negative because released and reaped entries go to the head of the queue.
// The partial indexes hold only the rows each query scans (ready by seq, leases by expiry, retries by due time).
// `inlet_queue_sizes.ready` counts ready entries so the size check on every enqueue is one lookup, not a COUNT(*);
// the queue adjusts it in the same transaction as each move (triggers cost a third of a drain's time).
// `lease_token` names the claim holding a lease (only it may extend, retry or release it); `lease_expiries` counts
// reaps apart from failed `attempts` (lease-policy.ts).
const DDL = `
CREATE TABLE IF NOT EXISTS inlet_queue_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ready', 'processing', 'delayed')),
  entry TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_expires_at INTEGER,
  available_at INTEGER,
  lease_token TEXT,
  lease_expiries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS inlet_queue_entries_ready ON inlet_queue_entries (queue, seq) WHERE state = 'ready';
CREATE INDEX IF NOT EXISTS inlet_queue_entries_leased ON inlet_queue_entries (queue, lease_expires_at) WHERE state = 'processing';
CREATE INDEX IF NOT EXISTS inlet_queue_entries_delayed ON inlet_queue_entries (queue, available_at) WHERE state = 'delayed';

CREATE TABLE IF NOT EXISTS inlet_queue_dedupe (
  queue TEXT NOT NULL,
  event_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inlet_queue_dedupe_expiry ON inlet_queue_dedupe (queue, expires_at);

CREATE TABLE IF NOT EXISTS inlet_queue_dead_letters (
  id INTEGER PRIMARY KEY,
  queue TEXT NOT NULL,
  entry TEXT NOT NULL,
  reason TEXT NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inlet_queue_dead_letters_queue ON inlet_queue_dead_letters (queue, id);

CREATE TABLE IF NOT EXISTS inlet_queue_sizes (
  queue TEXT PRIMARY KEY,
  ready INTEGER NOT NULL
) WITHOUT ROWID;

`;

/**
 * Creates the queue tables if missing (idempotent) and recounts `queue`'s ready entries, so the counter
 * starts from the truth even if the file was written by something else.
 */
export function ensureSqliteQueueSchema(db: Database.Database, queue: string): void {
  // IMMEDIATE: two processes opening the same file must not both upgrade a read lock and deadlock.
  db.transaction(() => {
    db.exec(DDL);
    // Files written before issue 11 lack the lease columns; ADD COLUMN is cheap (no table rewrite).
    const columns = new Set(db.prepare<[], { name: string }>('PRAGMA table_info(inlet_queue_entries)').all().map((c) => c.name));
    if (!columns.has('lease_token')) db.exec('ALTER TABLE inlet_queue_entries ADD COLUMN lease_token TEXT');
    if (!columns.has('lease_expiries')) db.exec('ALTER TABLE inlet_queue_entries ADD COLUMN lease_expiries INTEGER NOT NULL DEFAULT 0');
    db.prepare(
      `INSERT INTO inlet_queue_sizes (queue, ready)
       VALUES (@queue, (SELECT COUNT(*) FROM inlet_queue_entries WHERE queue = @queue AND state = 'ready'))
       ON CONFLICT (queue) DO UPDATE SET ready = excluded.ready`,
    ).run({ queue });
  }).immediate();
}
