import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { usagePercent } from '../../model/backpressure.ts';
import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { QueueSizes } from '../../model/queue-stats.ts';
import type { ClaimedEvent, ClaimOptions, DeadLetter, DeadLetterNotice, EnqueueResult, IngestionQueue, QueueOptions } from './ingestion-queue.ts';
import { defaultMaxLeaseExpiries, formatReceipt, parseReceipt, REAPED_REASON } from './lease-policy.ts';
import { entryIdOf, parseEntry } from './parse-entry.ts';
import { QueueFullError } from './queue-errors.ts';
import { ensureSqliteQueueSchema } from './sqlite-queue-schema.ts';
import { prepareSqliteQueueStatements, type SqliteEntryRow, type SqliteQueueStatements } from './sqlite-queue-statements.ts';
import { toQueueError } from './to-queue-error.ts';
import { WakeSignal } from './wake-signal.ts';

// Other processes writing the same file cannot notify us, so a waiting claim also polls this often.
const POLL_MS = 25;

/**
 * The ingestion queue in a SQLite file, so `npm start` needs no Redis; same semantics as the Redis queue.
 * Every change runs in one IMMEDIATE transaction: a deferred one that reads and then writes can fail with
 * SQLITE_BUSY at once in WAL mode instead of waiting for `busy_timeout` (https://www.sqlite.org/wal.html).
 * Every move into or out of the ready state adjusts `inlet_queue_sizes` in the same transaction.
 * The caller opens and closes the database.
 */
export class SqliteQueue implements IngestionQueue {
  readonly name: string;
  readonly leaseMs: number;
  private readonly sql: SqliteQueueStatements;
  private readonly tx: ReturnType<SqliteQueue['transactions']>;
  private readonly now: () => number;
  private readonly maxLeaseExpiries: number;
  private readonly wake = new WakeSignal();
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly options: QueueOptions,
  ) {
    this.name = options.name;
    this.leaseMs = options.leaseMs;
    this.now = options.now ?? Date.now;
    this.maxLeaseExpiries = options.maxLeaseExpiries ?? defaultMaxLeaseExpiries(options.maxAttempts);
    this.sql = this.guard(() => {
      // better-sqlite3 already defaults to 5 s; only fill in a caller's explicit 0.
      if (db.pragma('busy_timeout', { simple: true }) === 0) db.pragma('busy_timeout = 5000');
      ensureSqliteQueueSchema(db, options.name);
      return prepareSqliteQueueStatements(db);
    });
    this.tx = this.transactions();
  }

  /** Adds the batch atomically after dropping ids seen within the dedupe window; throws `QueueFullError` past max_size. */
  async enqueue(events: IngestionEvent[]): Promise<EnqueueResult> {
    if (events.length === 0) return { queued: 0, duplicates: 0 };
    const result = this.guard(() => this.tx.enqueue.immediate(events, this.now()));
    if (result.queued > 0) this.wake.notify();
    return result;
  }

  /** Leases up to `max` of the oldest ready events, waiting up to `waitMs` (wall-clock) for the first one. */
  async claim({ max, waitMs }: ClaimOptions): Promise<ClaimedEvent[]> {
    // Wall-clock deadline on purpose: tests freeze `options.now`, which must not make a waiting claim hang.
    const deadline = performance.now() + waitMs;
    for (;;) {
      const { claimed, dead } = this.guard(() => this.tx.claim.immediate(max, this.now()));
      this.notifyDead(dead);
      const deadLettered = dead.length;
      if (claimed.length > 0 || this.closed) return claimed;
      if (deadLettered > 0) continue;
      const remaining = deadline - performance.now();
      if (!(remaining > 0)) return []; // also ends a NaN waitMs instead of polling forever
      await this.wake.sleep(Math.min(POLL_MS, remaining));
      if (this.closed) return [];
    }
  }

  /** Deletes the claimed events in whatever state they are now (a late ack: reaped, waiting again); gone ones are ignored. */
  async ack(claimed: ClaimedEvent[]): Promise<void> {
    if (claimed.length === 0) return;
    this.guard(() => this.tx.ack.immediate(claimed));
  }

  /** Counts an attempt, then delays the event by `retryBaseMs * 2^(attempts-1)` or dead-letters it at `maxAttempts`. */
  async retry(claimed: ClaimedEvent, reason: string): Promise<'retrying' | 'dead'> {
    return this.guard(() => this.tx.retry.immediate(claimed, reason, this.now()));
  }

  /** Pushes the leases these claims still hold to now + leaseMs; returns the events whose lease was lost. */
  async extendLeases(claimed: ClaimedEvent[]): Promise<ClaimedEvent[]> {
    if (claimed.length === 0) return [];
    return this.guard(() => this.tx.extend.immediate(claimed, this.now() + this.leaseMs));
  }

  /** Returns leased events to the head of the queue in the given order, attempts unchanged. */
  async release(claimed: ClaimedEvent[]): Promise<void> {
    if (claimed.length === 0) return;
    const released = this.guard(() => this.tx.release.immediate(claimed));
    if (released > 0) this.wake.notify();
  }

  /** Counts a lease expiry (not an attempt) for each expired lease, then requeues it at the head or dead-letters it; returns how many. */
  async reapExpiredLeases(): Promise<number> {
    const { reaped, requeued, dead } = this.guard(() => this.tx.reap.immediate(this.now()));
    this.notifyDead(dead);
    if (requeued > 0) this.wake.notify();
    return reaped;
  }

  /** Size counts ready events only (not leased, not waiting for a retry); sizes only, the latch is the supervisor's. */
  async getStats(): Promise<QueueSizes> {
    const { maxSize } = this.options;
    const size = this.guard(() => this.sql.readySize.get(this.name)) ?? 0;
    return { queue_name: this.name, size, max_size: maxSize, usage_pct: usagePercent(size, maxSize) };
  }

  /** Oldest first. */
  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.guard(() => this.sql.deadLetters.all(this.name, limit));
  }

  async countDeadLetters(): Promise<number> {
    return this.guard(() => this.sql.countDeadLetters.get(this.name)) ?? 0;
  }

  /** Deletes this queue's entries, dedupe ids and dead letters; other queues in the file are untouched. */
  async clear(): Promise<void> {
    this.guard(() => this.tx.clear.immediate());
  }

  /** Ends waiting claims with `[]`; the database stays open because the caller owns it. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake.notify();
  }

  /** Test seam: stores `entry` verbatim at the tail, as a foreign producer could (malformed-entry tests). */
  async pushRawForTest(entry: string): Promise<void> {
    this.guard(() => this.tx.pushRaw.immediate(entry));
    this.wake.notify();
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toQueueError(error);
    }
  }

  /** Tells `onDeadLetter` after the transaction committed (a throwing listener must not roll it back). */
  private notifyDead(dead: DeadLetterNotice[]): void {
    for (const notice of dead) this.options.onDeadLetter?.(notice);
  }

  private deadLetter(row: SqliteEntryRow, reason: string, now: number): void {
    this.sql.insertDead.run(this.name, row.entry, reason, now);
    this.sql.deleteEntry.run(row.id);
  }

  /** Puts rows (given oldest first) ahead of every ready row, keeping their order, with the given lease expiries. */
  private toHead(rows: SqliteEntryRow[], leaseExpiries: (row: SqliteEntryRow) => number): void {
    if (rows.length === 0) return;
    let seq = this.sql.headSeq.get(this.name) ?? 0;
    for (let i = rows.length - 1; i >= 0; i--) this.sql.toReady.run(--seq, leaseExpiries(rows[i]), rows[i].id);
    this.sql.addReady.run(rows.length, this.name);
  }

  /** The row of a claimed event if that claim still holds its lease. */
  private heldRow({ receipt }: ClaimedEvent): SqliteEntryRow | undefined {
    const { id, token } = parseReceipt(receipt);
    return this.sql.held.get(Number(id), this.name, token);
  }

  private leased(claimed: ClaimedEvent[]): SqliteEntryRow[] {
    return claimed.map((c) => this.heldRow(c)).filter((row) => row !== undefined);
  }

  /** One better-sqlite3 wrapper per operation, built once; callers run them with `.immediate()`. */
  private transactions() {
    const { db } = this;
    return {
      enqueue: db.transaction((events: IngestionEvent[], now: number) => this.enqueueRows(events, now)),
      claim: db.transaction((max: number, now: number) => this.claimRows(max, now)),
      ack: db.transaction((claimed: ClaimedEvent[]) => this.ackRows(claimed)),
      retry: db.transaction((claimed: ClaimedEvent, reason: string, now: number) => this.retryRows(claimed, reason, now)),
      release: db.transaction((claimed: ClaimedEvent[]) => this.releaseRows(claimed)),
      extend: db.transaction((claimed: ClaimedEvent[], deadline: number) =>
        claimed.filter((c) => {
          const { id, token } = parseReceipt(c.receipt);
          return this.sql.extend.run(deadline, Number(id), this.name, token).changes === 0;
        }),
      ),
      reap: db.transaction((now: number) => this.reapRows(now)),
      clear: db.transaction(() => this.clearRows()),
      pushRaw: db.transaction((entry: string) => {
        this.sql.insertReady.run(this.name, (this.sql.tailSeq.get(this.name) ?? 0) + 1, entry);
        this.sql.addReady.run(1, this.name);
      }),
    };
  }

  private enqueueRows(events: IngestionEvent[], now: number): EnqueueResult {
    const { sql, name } = this;
    // After the purge every remembered id is live, so "insert or ignore" is both the dedupe check and the
    // record (repeats inside the batch included); a QueueFullError below rolls the records back.
    sql.purgeDedupe.run(name, now);
    const expiresAt = now + this.options.dedupeWindowMs;
    const fresh = events.filter((event) => sql.rememberId.run(name, event.id, expiresAt).changes > 0);
    const size = sql.readySize.get(name) ?? 0;
    if (size + fresh.length > this.options.maxSize) throw new QueueFullError(size, this.options.maxSize, fresh.length);
    let seq = sql.tailSeq.get(name) ?? 0;
    for (const event of fresh) sql.insertReady.run(name, ++seq, JSON.stringify(event));
    sql.addReady.run(fresh.length, name);
    return { queued: fresh.length, duplicates: events.length - fresh.length };
  }

  private claimRows(max: number, now: number) {
    const { sql, name } = this;
    // Retries that came due join the BACK of the queue: they already had their turn, fresh work goes first.
    const due = sql.dueDelayed.all(name, now);
    let seq = sql.tailSeq.get(name) ?? 0;
    for (const row of due) sql.toReady.run(++seq, row.leaseExpiries, row.id);
    const claimed: ClaimedEvent[] = [];
    const dead: DeadLetterNotice[] = [];
    // One UPDATE … RETURNING leases the whole batch; RETURNING has no defined order, hence the sort.
    const token = randomBytes(9).toString('base64url');
    const taken = max > 0 ? sql.leaseOldest.all(now + this.leaseMs, token, name, max) : [];
    if (due.length > 0 || taken.length > 0) sql.addReady.run(due.length - taken.length, name);
    for (const row of taken.sort((a, b) => a.seq - b.seq)) {
      const parsed = parseEntry(row.entry);
      if ('problem' in parsed) {
        const reason = `malformed entry: ${parsed.problem}`;
        this.deadLetter(row, reason, now);
        dead.push({ eventId: entryIdOf(row.entry), reason });
        continue;
      }
      claimed.push({ event: parsed.event, receipt: formatReceipt(row.id, token), attempts: row.attempts, sequence: row.id });
    }
    return { claimed, dead };
  }

  private ackRows(claimed: ClaimedEvent[]) {
    let wasReady = 0;
    for (const { receipt } of claimed) if (this.sql.ackEntry.get(Number(parseReceipt(receipt).id), this.name) === 'ready') wasReady++;
    if (wasReady > 0) this.sql.addReady.run(-wasReady, this.name);
  }

  private retryRows(claimed: ClaimedEvent, reason: string, now: number) {
    const row = this.heldRow(claimed);
    // Lease already reaped (and maybe re-claimed): the event is back in the queue either way, and not charged.
    if (!row) return 'retrying' as const;
    const attempts = row.attempts + 1;
    if (attempts >= this.options.maxAttempts) {
      this.deadLetter(row, reason, now);
      return 'dead' as const;
    }
    this.sql.toDelayed.run(attempts, now + this.options.retryBaseMs * 2 ** (attempts - 1), row.id);
    return 'retrying' as const;
  }

  private releaseRows(claimed: ClaimedEvent[]) {
    const rows = this.leased(claimed);
    this.toHead(rows, (row) => row.leaseExpiries);
    return rows.length;
  }

  private reapRows(now: number) {
    const expired = this.sql.expiredLeases.all(this.name, now);
    // Their worker stopped extending the lease (died or hung): a lease expiry, counted apart from attempts (lease-policy.ts).
    const poisoned = expired.filter((row) => row.leaseExpiries + 1 >= this.maxLeaseExpiries);
    const dead = poisoned.map((row) => {
      const reason = `${REAPED_REASON} ${row.leaseExpiries + 1} times`;
      this.deadLetter(row, reason, now);
      return { eventId: entryIdOf(row.entry), reason };
    });
    const requeued = expired.filter((row) => row.leaseExpiries + 1 < this.maxLeaseExpiries);
    this.toHead(requeued, (row) => row.leaseExpiries + 1);
    return { reaped: expired.length, requeued: requeued.length, dead };
  }

  private clearRows() {
    this.sql.clearEntries.run(this.name);
    this.sql.clearDedupe.run(this.name);
    this.sql.clearDeadLetters.run(this.name);
    this.sql.addReady.run(-(this.sql.readySize.get(this.name) ?? 0), this.name);
  }
}

