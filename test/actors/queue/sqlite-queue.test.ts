import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueOptions } from '../../../src/actors/queue/ingestion-queue.ts';
import { isQueueUnavailableError } from '../../../src/actors/queue/queue-errors.ts';
import { SqliteQueue } from '../../../src/actors/queue/sqlite-queue.ts';
import { manyEvents, upsertEvent } from '../../support/events.ts';
import { testQueueOptions } from '../../support/queue-backends.ts';

describe('SqliteQueue', () => {
  let dir: string;
  let file: string;
  const opened: Database.Database[] = [];
  const clock = { now: 1_700_000_000_000 };

  const openDb = (options?: Database.Options) => {
    const db = new Database(file, options);
    db.pragma('journal_mode = WAL');
    opened.push(db);
    return db;
  };
  const queueOn = (db: Database.Database, overrides: Partial<QueueOptions> = {}) =>
    new SqliteQueue(db, { ...testQueueOptions(overrides), now: () => clock.now });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'inlet-sqlite-queue-'));
    file = join(dir, 'queue.db');
  });
  afterEach(() => {
    vi.useRealTimers();
    for (const db of opened.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps queued events across closing and reopening the file', async () => {
    const name = 'ingestion:queue';
    const first = openDb();
    await queueOn(first, { name }).enqueue(manyEvents(3));
    first.close();

    const reopened = queueOn(openDb(), { name });
    expect((await reopened.getStats()).size).toBe(3);
    const claimed = await reopened.claim({ max: 10, waitMs: 0 });
    expect(claimed.map((c) => c.event.path)).toEqual(['doc-0.md', 'doc-1.md', 'doc-2.md']);
  });

  it('keeps two queues in one file apart', async () => {
    const db = openDb();
    const a = queueOn(db, { name: 'a:queue' });
    const b = queueOn(db, { name: 'b:queue' });
    await a.enqueue(manyEvents(2));
    await b.enqueue([upsertEvent('only-b.md')]);
    // Same ids in another queue are not duplicates: dedupe memory is per queue.
    expect(await b.enqueue(manyEvents(1))).toEqual({ queued: 1, duplicates: 0 });

    await a.clear();
    expect((await a.getStats()).size).toBe(0);
    expect((await b.claim({ max: 10, waitMs: 0 })).map((c) => c.event.path)).toEqual(['only-b.md', 'doc-0.md']);
  });

  it('wakes a waiting claim as soon as this instance enqueues, long before waitMs', async () => {
    // Fake timers that no one advances: the claim's poll never comes round, so only the enqueue can end its wait.
    vi.useFakeTimers();
    const queue = queueOn(openDb());
    const waiting = queue.claim({ max: 5, waitMs: 5_000 }); // found nothing and sleeps: the check before is synchronous
    await queue.enqueue([upsertEvent('late.md')]);
    const claimed = await waiting;
    expect(claimed.map((c) => c.event.path)).toEqual(['late.md']);
  });

  it('finds events written by another connection to the same file while waiting', async () => {
    vi.useFakeTimers();
    const consumer = queueOn(openDb(), { name: 'shared:queue' });
    const producer = queueOn(openDb(), { name: 'shared:queue' });
    let claimed: string[] | undefined;
    const waiting = consumer.claim({ max: 5, waitMs: 5_000 }).then((events) => (claimed = events.map((c) => c.event.path)));
    await producer.enqueue([upsertEvent('from-elsewhere.md')]);
    // Another instance cannot wake this one: it finds the event at its next look at the file, not before.
    await vi.advanceTimersByTimeAsync(0);
    expect(claimed).toBeUndefined();
    await vi.advanceTimersToNextTimerAsync();
    await waiting;
    expect(claimed).toEqual(['from-elsewhere.md']);
  });

  it('ends a waiting claim with no events on close and leaves the database open', async () => {
    const db = openDb();
    const queue = queueOn(db);
    const waiting = queue.claim({ max: 5, waitMs: 5_000 });
    await queue.close();
    expect(await waiting).toEqual([]);
    expect(db.open).toBe(true);
  });

  it('puts due retries behind events that were already waiting', async () => {
    const queue = queueOn(openDb(), { retryBaseMs: 1_000 });
    await queue.enqueue([upsertEvent('flaky.md')]);
    const [flaky] = await queue.claim({ max: 1, waitMs: 0 });
    await queue.retry(flaky, 'store timeout');
    await queue.enqueue([upsertEvent('fresh.md')]);
    clock.now += 1_000;
    const claimed = await queue.claim({ max: 10, waitMs: 0 });
    expect(claimed.map((c) => [c.event.path, c.attempts])).toEqual([
      ['fresh.md', 0],
      ['flaky.md', 1],
    ]);
  });

  it('dead-letters an event whose leases keep expiring', async () => {
    const queue = queueOn(openDb(), { leaseMs: 1_000, maxAttempts: 1, maxLeaseExpiries: 2 });
    await queue.enqueue([upsertEvent('poison.md')]);
    for (let i = 0; i < 2; i++) {
      expect(await queue.claim({ max: 1, waitMs: 0 })).toHaveLength(1);
      clock.now += 1_001;
      expect(await queue.reapExpiredLeases()).toBe(1);
    }
    expect(await queue.claim({ max: 1, waitMs: 0 })).toEqual([]);
    const [dead] = await queue.deadLetters();
    expect(dead.reason).toBe('lease expired 2 times');
    expect(JSON.parse(dead.entry).path).toBe('poison.md');
  });

  it('opens a file written before leases had tokens, and serves its waiting events', async () => {
    const db = openDb();
    // The entries table as inlet wrote it before issue 11: no lease_token, no lease_expiries.
    db.exec(`CREATE TABLE inlet_queue_entries (
      id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, seq INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('ready', 'processing', 'delayed')), entry TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, lease_expires_at INTEGER, available_at INTEGER)`);
    db.prepare("INSERT INTO inlet_queue_entries (queue, seq, state, entry) VALUES ('old:queue', 1, 'ready', ?)").run(JSON.stringify(upsertEvent('kept.md')));
    const queue = queueOn(db, { name: 'old:queue' });
    const claimed = await queue.claim({ max: 10, waitMs: 0 });
    expect(claimed.map((c) => [c.event.path, c.sequence])).toEqual([['kept.md', 1]]);
    await queue.ack(claimed);
    expect((await queue.getStats()).size).toBe(0);
  });

  it('reports a locked file as QueueUnavailableError', async () => {
    const queue = queueOn(openDb({ timeout: 50 }));
    const holder = openDb();
    holder.exec('BEGIN IMMEDIATE');
    const error = await queue.enqueue([upsertEvent('a.md')]).catch((e: unknown) => e);
    holder.exec('ROLLBACK');
    expect(isQueueUnavailableError(error)).toBe(true);
  });

  it('reports a database closed under it as QueueUnavailableError', async () => {
    const db = openDb();
    const queue = queueOn(db);
    db.close();
    const error = await queue.claim({ max: 1, waitMs: 0 }).catch((e: unknown) => e);
    expect(isQueueUnavailableError(error)).toBe(true);
  });
});
