import type Database from 'better-sqlite3';

/** An entry row as the queue reads it back. */
export interface SqliteEntryRow {
  id: number;
  entry: string;
  attempts: number;
  leaseExpiries: number;
}

/** A dead letter row in the port's shape. */
interface DeadLetterRow {
  entry: string;
  reason: string;
  failedAt: number;
}

/**
 * Every statement the SQLite queue runs, prepared once per queue instance (preparing per call would
 * dominate a 100,000-event drain). Each `state = '…'` is a literal so the partial indexes apply.
 */
export function prepareSqliteQueueStatements(db: Database.Database) {
  const entries = 'inlet_queue_entries';
  return {
    readySize: db.prepare<[string], number>('SELECT ready FROM inlet_queue_sizes WHERE queue = ?').pluck(),
    addReady: db.prepare<[number, string]>('UPDATE inlet_queue_sizes SET ready = ready + ? WHERE queue = ?'),
    headSeq: db
      .prepare<[string], number>(`SELECT seq FROM ${entries} WHERE queue = ? AND state = 'ready' ORDER BY seq ASC LIMIT 1`)
      .pluck(),
    tailSeq: db
      .prepare<[string], number>(`SELECT seq FROM ${entries} WHERE queue = ? AND state = 'ready' ORDER BY seq DESC LIMIT 1`)
      .pluck(),
    insertReady: db.prepare<[string, number, string]>(
      `INSERT INTO ${entries} (queue, seq, state, entry, attempts) VALUES (?, ?, 'ready', ?, 0)`,
    ),
    dueDelayed: db.prepare<[string, number], SqliteEntryRow>(
      `SELECT id, entry, attempts, lease_expiries AS leaseExpiries FROM ${entries}
       WHERE queue = ? AND state = 'delayed' AND available_at <= ? ORDER BY available_at, seq`,
    ),
    leaseOldest: db.prepare<[number, string, string, number], SqliteEntryRow & { seq: number }>(
      `UPDATE ${entries} SET state = 'processing', lease_expires_at = ?, lease_token = ?
       WHERE id IN (SELECT id FROM ${entries} WHERE queue = ? AND state = 'ready' ORDER BY seq LIMIT ?)
       RETURNING id, seq, entry, attempts, lease_expiries AS leaseExpiries`,
    ),
    expiredLeases: db.prepare<[string, number], SqliteEntryRow>(
      `SELECT id, entry, attempts, lease_expiries AS leaseExpiries FROM ${entries}
       WHERE queue = ? AND state = 'processing' AND lease_expires_at <= ? ORDER BY seq`,
    ),
    /** The row if this claim (token) still holds its lease. */
    held: db.prepare<[number, string, string], SqliteEntryRow>(
      `SELECT id, entry, attempts, lease_expiries AS leaseExpiries FROM ${entries}
       WHERE id = ? AND queue = ? AND state = 'processing' AND lease_token = ?`,
    ),
    extend: db.prepare<[number, number, string, string]>(
      `UPDATE ${entries} SET lease_expires_at = ? WHERE id = ? AND queue = ? AND state = 'processing' AND lease_token = ?`,
    ),
    toReady: db.prepare<[number, number, number]>(
      `UPDATE ${entries} SET state = 'ready', seq = ?, lease_expiries = ?, lease_expires_at = NULL, lease_token = NULL,
       available_at = NULL WHERE id = ?`,
    ),
    toDelayed: db.prepare<[number, number, number]>(
      `UPDATE ${entries} SET state = 'delayed', attempts = ?, available_at = ?, lease_expires_at = NULL, lease_token = NULL
       WHERE id = ?`,
    ),
    deleteEntry: db.prepare<[number]>(`DELETE FROM ${entries} WHERE id = ?`),
    /** Deletes the entry in whatever state (a late ack finds it ready, delayed or leased again); returns that state. */
    ackEntry: db.prepare<[number, string], string>(`DELETE FROM ${entries} WHERE id = ? AND queue = ? RETURNING state`).pluck(),
    purgeDedupe: db.prepare<[string, number]>('DELETE FROM inlet_queue_dedupe WHERE queue = ? AND expires_at <= ?'),
    rememberId: db.prepare<[string, string, number]>(
      'INSERT OR IGNORE INTO inlet_queue_dedupe (queue, event_id, expires_at) VALUES (?, ?, ?)',
    ),
    insertDead: db.prepare<[string, string, string, number]>(
      'INSERT INTO inlet_queue_dead_letters (queue, entry, reason, failed_at) VALUES (?, ?, ?, ?)',
    ),
    deadLetters: db.prepare<[string, number], DeadLetterRow>(
      `SELECT entry, reason, failed_at AS failedAt FROM inlet_queue_dead_letters WHERE queue = ? ORDER BY id LIMIT ?`,
    ),
    countDeadLetters: db.prepare<[string], number>('SELECT COUNT(*) FROM inlet_queue_dead_letters WHERE queue = ?').pluck(),
    clearEntries: db.prepare<[string]>(`DELETE FROM ${entries} WHERE queue = ?`),
    clearDedupe: db.prepare<[string]>('DELETE FROM inlet_queue_dedupe WHERE queue = ?'),
    clearDeadLetters: db.prepare<[string]>('DELETE FROM inlet_queue_dead_letters WHERE queue = ?'),
  };
}

/** The prepared statements of one SQLite queue. */
export type SqliteQueueStatements = ReturnType<typeof prepareSqliteQueueStatements>;
