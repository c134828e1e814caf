import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, toPromise } from 'xstate';
import type { EventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import type { ClaimedEvent } from '../../../src/actors/queue/ingestion-queue.ts';
import { createProcessBatchLogic } from '../../../src/actors/worker/create-process-batch-logic.ts';
import { whileHoldingLeases } from '../../../src/actors/worker/hold-leases.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';
import { manyEvents } from '../../support/events.ts';
import { type QueueHarness, queueBackends } from '../../support/queue-backends.ts';

/** A processor taking `msPerEvent` of (fake) time per event, like the 0.7 s-per-document embedder of issue 11. */
function slowProcessor(msPerEvent: number): EventProcessor & { written: string[] } {
  const written: string[] = [];
  const sleep = () => new Promise((resolve) => setTimeout(resolve, msPerEvent));
  return {
    written,
    async process(event: IngestionEvent) {
      await sleep();
      written.push(event.path);
    },
    async processMany(events: IngestionEvent[]) {
      for (const event of events) {
        await sleep();
        written.push(event.path);
      }
      return events.map(() => null);
    },
  };
}

for (const backend of queueBackends) {
  describe.skipIf(!backend.available)(`a batch slower than its lease on ${backend.name} (issue 11)`, () => {
    let harness: QueueHarness | undefined;
    afterEach(async () => {
      vi.useRealTimers();
      await harness?.dispose();
      harness = undefined;
    });

    it('writes and acknowledges every event exactly once, drains the queue and dead-letters nothing', async () => {
      // Only timers and Date are fake: Redis replies still arrive through real I/O.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: 1_700_000_000_000 });
      harness = await backend.create({ leaseMs: 60_000, maxSize: 1_000, now: () => Date.now() });
      const { queue } = harness;
      await queue.enqueue(manyEvents(200));
      const processor = slowProcessor(700); // 100 events: 70 s, longer than the 60 s lease
      const logic = createProcessBatchLogic(queue, processor, () => {});
      let processed = 0;
      let batches = 0;
      let drained = false;
      const worker = (async () => {
        for (;;) {
          const items = await queue.claim({ max: 100, waitMs: 0 });
          if (items.length === 0) break;
          batches++;
          processed += (await toPromise(createActor(logic, { input: { size: items.length, items } }).start())).processed;
        }
        drained = true;
      })();
      // The supervisor's monitor: a reap every second of queue time.
      let reaped = 0;
      for (let second = 0; !drained && second < 600; second++) {
        await vi.advanceTimersByTimeAsync(1_000);
        reaped += await queue.reapExpiredLeases();
      }
      await worker;
      expect(drained).toBe(true);
      expect(batches).toBe(2);
      expect(reaped).toBe(0); // the worker extended its leases (a reap would still end well: the late ack removes the events)
      expect(processed).toBe(200);
      expect([...processor.written].sort()).toEqual(
        manyEvents(200)
          .map((e) => e.path)
          .sort(),
      );
      expect((await queue.getStats()).size).toBe(0);
      expect(await queue.deadLetters()).toEqual([]);
      vi.setSystemTime(Date.now() + 10 * 60_000);
      expect(await queue.reapExpiredLeases()).toBe(0);
      expect(await queue.claim({ max: 100, waitMs: 0 })).toEqual([]);
    });

    it('stops extending leases once the work is done, and reports the ones it lost', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: 1_700_000_000_000 });
      harness = await backend.create({ leaseMs: 3_000, now: () => Date.now() });
      const { queue } = harness;
      await queue.enqueue(manyEvents(2));
      const items = await queue.claim({ max: 2, waitMs: 0 });
      const lostReports: ClaimedEvent[][] = [];
      let finish = () => {};
      const extensions = vi.spyOn(queue, 'extendLeases');
      // One tick of the extension timer, then that extension's round trip to the queue (real I/O, not fake time).
      const tick = async (calls: number) => {
        await vi.advanceTimersByTimeAsync(1_000);
        expect(extensions).toHaveBeenCalledTimes(calls);
        await Promise.allSettled(extensions.mock.results.map((r) => r.value));
      };
      const work = whileHoldingLeases(queue, items, () => new Promise<void>((resolve) => (finish = resolve)), (lost) => lostReports.push(lost));
      await tick(1);
      await tick(2);
      expect(lostReports).toEqual([]);
      await queue.ack([items[0]]);
      // Another consumer's late ack took doc-1 away: the next extension finds that lease lost.
      await queue.ack([{ ...items[1], receipt: `${items[1].sequence}:someone-else` }]);
      await tick(3);
      expect(lostReports).toHaveLength(1);
      expect(lostReports[0].map((c) => c.event.path)).toEqual(['doc-0.md', 'doc-1.md']);
      finish();
      await work;
      expect(vi.getTimerCount()).toBe(0);
    });
  });
}
