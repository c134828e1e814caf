import { afterEach, describe, expect, it } from 'vitest';
import { isQueueFullError } from '../../../src/actors/queue/queue-errors.ts';
import { manyEvents, upsertEvent } from '../../support/events.ts';
import { type QueueHarness, queueBackends } from '../../support/queue-backends.ts';

for (const backend of queueBackends) {
  if (!backend.available) console.warn(`!!! SKIPPING the ${backend.name} queue conformance suite: no server for it in this run`);

  describe.skipIf(!backend.available)(`ingestion queue contract on ${backend.name}`, () => {
    let harness: QueueHarness | undefined;
    const open = async (overrides?: Parameters<typeof backend.create>[0]) => {
      harness = await backend.create(overrides);
      return harness;
    };
    afterEach(async () => {
      await harness?.dispose();
      harness = undefined;
    });

    it('delivers events first in, first out', async () => {
      const { queue } = await open();
      await queue.enqueue(manyEvents(5));
      const first = await queue.claim({ max: 3, waitMs: 0 });
      const rest = await queue.claim({ max: 10, waitMs: 0 });
      expect([...first, ...rest].map((c) => c.event.path)).toEqual(['doc-0.md', 'doc-1.md', 'doc-2.md', 'doc-3.md', 'doc-4.md']);
      expect(first.every((c) => c.attempts === 0)).toBe(true);
    });

    it('numbers events with a sequence that only grows and that retry, release and reap keep', async () => {
      const h = await open({ leaseMs: 5_000, retryBaseMs: 1_000 });
      await h.queue.enqueue(manyEvents(2, 'a'));
      await h.queue.enqueue(manyEvents(2, 'b'));
      const first = await h.queue.claim({ max: 4, waitMs: 0 });
      const sequences = first.map((c) => c.sequence);
      expect(sequences.every((s) => Number.isSafeInteger(s) && s > 0)).toBe(true);
      expect([...sequences].sort((x, y) => x - y)).toEqual(sequences);
      expect(new Set(sequences).size).toBe(4);
      const byPath = new Map(first.map((c) => [c.event.path, c.sequence]));
      await h.queue.retry(first[0], 'flaky');
      await h.queue.release([first[1]]);
      h.clock.now += 5_001; // first[2] and first[3] were never acked: reaped
      await h.queue.reapExpiredLeases();
      h.clock.now += 1_000;
      const again = await h.queue.claim({ max: 10, waitMs: 0 });
      expect(again).toHaveLength(4);
      for (const c of again) expect(c.sequence).toBe(byPath.get(c.event.path));
      await h.queue.ack(again);
      await h.queue.clear();
      await h.queue.enqueue(manyEvents(1, 'c'));
      const [later] = await h.queue.claim({ max: 1, waitMs: 0 });
      expect(later.sequence).toBeGreaterThan(Math.max(...sequences));
    });

    it('enqueues, claims and acknowledges batches of thousands in one call each', async () => {
      const { queue } = await open({ maxSize: 5_000 });
      expect(await queue.enqueue(manyEvents(2_500))).toEqual({ queued: 2_500, duplicates: 0 });
      const claimed = await queue.claim({ max: 2_500, waitMs: 0 });
      expect(claimed.map((c) => c.event.path)).toEqual(manyEvents(2_500).map((e) => e.path));
      await queue.ack(claimed);
      expect((await queue.getStats()).size).toBe(0);
      expect(await queue.claim({ max: 10, waitMs: 0 })).toEqual([]);
    });

    it('refuses a batch that does not fit and queues none of it', async () => {
      const { queue } = await open({ maxSize: 3 });
      await queue.enqueue(manyEvents(2, 'a'));
      const refused = await queue.enqueue(manyEvents(2, 'b')).catch((e: unknown) => e);
      expect(isQueueFullError(refused)).toBe(true);
      expect((await queue.getStats()).size).toBe(2);
      await expect(queue.enqueue(manyEvents(1, 'c'))).resolves.toEqual({ queued: 1, duplicates: 0 });
    });

    it('reports sizes in the runbook shape with usage in percent', async () => {
      const { queue } = await open({ maxSize: 10_000, name: `test:${Math.random()}:ingestion:queue` });
      await queue.enqueue(manyEvents(45));
      const stats = await queue.getStats();
      expect(stats).toEqual({ queue_name: queue.name, size: 45, max_size: 10_000, usage_pct: 0.45 });
    });

    // The latch is the supervisor's (issue 11): reading the sizes, however often, decides nothing.
    it('reports sizes only, with no latch of its own', async () => {
      const { queue } = await open({ maxSize: 10 });
      await queue.enqueue(manyEvents(8));
      expect(await queue.getStats()).toEqual({ queue_name: queue.name, size: 8, max_size: 10, usage_pct: 80 });
      expect('isBackpressure' in queue).toBe(false);
    });

    it('queues an event id once within the dedupe window, again after it', async () => {
      const h = await open({ dedupeWindowMs: 60_000 });
      const event = upsertEvent('same.md');
      expect(await h.queue.enqueue([event, event])).toEqual({ queued: 1, duplicates: 1 });
      expect(await h.queue.enqueue([event])).toEqual({ queued: 0, duplicates: 1 });
      h.clock.now += 60_001;
      expect(await h.queue.enqueue([event])).toEqual({ queued: 1, duplicates: 0 });
    });

    it('returns the events of a consumer that died to the head of the queue when the lease expires, charging no attempt', async () => {
      const h = await open({ leaseMs: 5_000 });
      await h.queue.enqueue(manyEvents(2));
      const crashed = await h.queue.claim({ max: 2, waitMs: 0 }); // never acked: the consumer "died"
      expect(crashed).toHaveLength(2);
      expect(await h.queue.reapExpiredLeases()).toBe(0);
      h.clock.now += 5_001;
      expect(await h.queue.reapExpiredLeases()).toBe(2);
      const redelivered = await h.queue.claim({ max: 10, waitMs: 0 });
      expect(redelivered.map((c) => [c.event.path, c.attempts])).toEqual([
        ['doc-0.md', 0],
        ['doc-1.md', 0],
      ]);
    });

    it('keeps a lease its claim extends, and reaps it only when the extensions stop', async () => {
      const h = await open({ leaseMs: 5_000 });
      await h.queue.enqueue(manyEvents(2));
      const held = await h.queue.claim({ max: 2, waitMs: 0 });
      for (let i = 0; i < 5; i++) {
        h.clock.now += 4_000;
        expect(await h.queue.extendLeases(held)).toEqual([]);
        expect(await h.queue.reapExpiredLeases()).toBe(0);
      }
      h.clock.now += 5_000;
      expect(await h.queue.reapExpiredLeases()).toBe(2);
      expect((await h.queue.extendLeases(held)).map((c) => c.event.path)).toEqual(['doc-0.md', 'doc-1.md']);
    });

    it('reports the leases a claim lost to a reap and a redelivery, and does not extend the new holder through them', async () => {
      const h = await open({ leaseMs: 5_000 });
      await h.queue.enqueue(manyEvents(1));
      const stale = await h.queue.claim({ max: 1, waitMs: 0 });
      h.clock.now += 5_001;
      await h.queue.reapExpiredLeases();
      const fresh = await h.queue.claim({ max: 1, waitMs: 0 });
      expect(fresh.map((c) => c.sequence)).toEqual(stale.map((c) => c.sequence));
      expect(await h.queue.extendLeases(stale)).toEqual(stale);
      h.clock.now += 5_001;
      expect(await h.queue.reapExpiredLeases()).toBe(1); // the stale extension did not push the new lease
    });

    it('removes an event on a late ack: reaped and waiting again, it is not delivered again', async () => {
      const h = await open({ leaseMs: 5_000 });
      await h.queue.enqueue(manyEvents(3));
      const slow = await h.queue.claim({ max: 2, waitMs: 0 });
      h.clock.now += 5_001;
      expect(await h.queue.reapExpiredLeases()).toBe(2);
      expect((await h.queue.getStats()).size).toBe(3);
      await h.queue.ack(slow); // the slow worker finished after all: its writes committed
      expect((await h.queue.getStats()).size).toBe(1);
      expect((await h.queue.claim({ max: 10, waitMs: 0 })).map((c) => c.event.path)).toEqual(['doc-2.md']);
      expect(await h.queue.deadLetters()).toEqual([]);
    });

    it('removes an event on a late ack while another claim holds it; that claim then finds its lease lost', async () => {
      const h = await open({ leaseMs: 5_000 });
      await h.queue.enqueue(manyEvents(1));
      const slow = await h.queue.claim({ max: 1, waitMs: 0 });
      h.clock.now += 5_001;
      await h.queue.reapExpiredLeases();
      const second = await h.queue.claim({ max: 1, waitMs: 0 });
      await h.queue.ack(slow);
      expect(await h.queue.extendLeases(second)).toEqual(second);
      await h.queue.ack(second);
      expect(await h.queue.retry(second[0], 'late failure')).toBe('retrying');
      h.clock.now += 1_000_000;
      expect(await h.queue.reapExpiredLeases()).toBe(0);
      expect(await h.queue.claim({ max: 10, waitMs: 0 })).toEqual([]);
      expect(await h.queue.deadLetters()).toEqual([]);
    });

    it('ignores a retry or release from a claim whose lease was reaped: nothing is charged or moved', async () => {
      const h = await open({ leaseMs: 5_000, maxAttempts: 1 });
      await h.queue.enqueue(manyEvents(2));
      const stale = await h.queue.claim({ max: 2, waitMs: 0 });
      h.clock.now += 5_001;
      await h.queue.reapExpiredLeases();
      expect(await h.queue.retry(stale[0], 'failed after its lease')).toBe('retrying');
      await h.queue.release([stale[1]]);
      expect(await h.queue.deadLetters()).toEqual([]);
      const again = await h.queue.claim({ max: 10, waitMs: 0 });
      expect(again.map((c) => [c.event.path, c.attempts])).toEqual([
        ['doc-0.md', 0],
        ['doc-1.md', 0],
      ]);
    });

    it('dead-letters an event only after maxLeaseExpiries expiries, with the count in the reason', async () => {
      const notices: string[] = [];
      const h = await open({ leaseMs: 1_000, maxAttempts: 1, maxLeaseExpiries: 3, onDeadLetter: (n) => notices.push(`${n.eventId} ${n.reason}`) });
      await h.queue.enqueue([upsertEvent('kills-workers.md')]);
      for (let i = 0; i < 3; i++) {
        expect(await h.queue.claim({ max: 1, waitMs: 0 })).toHaveLength(1);
        h.clock.now += 1_001;
        expect(await h.queue.reapExpiredLeases()).toBe(1);
      }
      expect(await h.queue.claim({ max: 1, waitMs: 0 })).toEqual([]);
      const dead = await h.queue.deadLetters();
      expect(dead.map((d) => [JSON.parse(d.entry).path, d.reason])).toEqual([['kills-workers.md', 'lease expired 3 times']]);
      expect(notices).toEqual(['test:kills-workers.md:1 lease expired 3 times']);
    });

    it('does not redeliver acknowledged events', async () => {
      const h = await open({ leaseMs: 5_000 });
      await h.queue.enqueue(manyEvents(3));
      await h.queue.ack(await h.queue.claim({ max: 3, waitMs: 0 }));
      h.clock.now += 10_000;
      expect(await h.queue.reapExpiredLeases()).toBe(0);
      expect(await h.queue.claim({ max: 3, waitMs: 0 })).toEqual([]);
    });

    it('retries with exponential backoff and dead-letters after max attempts', async () => {
      const h = await open({ maxAttempts: 3, retryBaseMs: 1_000 });
      await h.queue.enqueue([upsertEvent('poison.md')]);
      const delays = [1_000, 2_000];
      for (const delay of delays) {
        const [claimed] = await h.queue.claim({ max: 1, waitMs: 0 });
        expect(await h.queue.retry(claimed, 'parser exploded')).toBe('retrying');
        h.clock.now += delay - 1;
        expect(await h.queue.claim({ max: 1, waitMs: 0 })).toEqual([]);
        h.clock.now += 1;
      }
      const [last] = await h.queue.claim({ max: 1, waitMs: 0 });
      expect(last.attempts).toBe(2);
      expect(await h.queue.countDeadLetters()).toBe(0);
      expect(await h.queue.retry(last, 'parser exploded')).toBe('dead');
      const dead = await h.queue.deadLetters();
      expect(dead).toHaveLength(1);
      expect(await h.queue.countDeadLetters()).toBe(1);
      expect(dead[0].reason).toBe('parser exploded');
      expect(JSON.parse(dead[0].entry).path).toBe('poison.md');
      expect((await h.queue.getStats()).size).toBe(0);
    });

    it('puts released events back at the head without counting an attempt', async () => {
      const h = await open();
      await h.queue.enqueue(manyEvents(3));
      const held = await h.queue.claim({ max: 2, waitMs: 0 });
      await h.queue.release(held);
      const again = await h.queue.claim({ max: 3, waitMs: 0 });
      expect(again.map((c) => [c.event.path, c.attempts])).toEqual([
        ['doc-0.md', 0],
        ['doc-1.md', 0],
        ['doc-2.md', 0],
      ]);
    });

    it('dead-letters a malformed entry with the reason and delivers the rest', async () => {
      const h = await open();
      await h.queue.enqueue([upsertEvent('before.md')]);
      await h.pushRaw('{not json');
      await h.pushRaw(JSON.stringify({ id: 'x', kind: 'teleport' }));
      await h.queue.enqueue([upsertEvent('after.md')]);
      const claimed = await h.queue.claim({ max: 10, waitMs: 0 });
      expect(claimed.map((c) => c.event.path)).toEqual(['before.md', 'after.md']);
      const dead = await h.queue.deadLetters();
      expect(dead.map((d) => d.entry)).toEqual(['{not json', JSON.stringify({ id: 'x', kind: 'teleport' })]);
      expect(dead.every((d) => d.reason.startsWith('malformed entry:'))).toBe(true);
    });

    it('wakes a waiting claim when an event arrives', async () => {
      const h = await open();
      const waiting = h.queue.claim({ max: 5, waitMs: 3_000 });
      await h.claimWaiting();
      await h.queue.enqueue([upsertEvent('late.md')]);
      const claimed = await waiting;
      expect(claimed.map((c) => c.event.path)).toEqual(['late.md']);
    });

    it('clears events, retries, dead letters and dedupe memory', async () => {
      const h = await open();
      const event = upsertEvent('a.md');
      await h.queue.enqueue([event, upsertEvent('b.md')]);
      const [claimed] = await h.queue.claim({ max: 1, waitMs: 0 });
      await h.queue.retry(claimed, 'x');
      await h.pushRaw('garbage');
      await h.queue.claim({ max: 10, waitMs: 0 });
      await h.queue.clear();
      expect((await h.queue.getStats()).size).toBe(0);
      expect(await h.queue.deadLetters()).toEqual([]);
      h.clock.now += 1_000_000;
      expect(await h.queue.claim({ max: 10, waitMs: 0 })).toEqual([]);
      expect(await h.queue.enqueue([event])).toEqual({ queued: 1, duplicates: 0 });
    });
  });
}
