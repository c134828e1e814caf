import { afterEach, describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import type { EventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import type { ClaimedEvent } from '../../../src/actors/queue/ingestion-queue.ts';
import { StoreUnavailableError } from '../../../src/actors/stores/store-errors.ts';
import { createProcessBatchLogic } from '../../../src/actors/worker/create-process-batch-logic.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';
import { manyEvents } from '../../support/events.ts';
import { type QueueHarness, queueBackends } from '../../support/queue-backends.ts';

const sqlite = queueBackends.find((b) => b.name === 'sqlite')!;
let harness: QueueHarness | undefined;
afterEach(async () => harness?.dispose());

/** A processor that records what it wrote and fails on the paths it is told to. */
function recordingProcessor(fail: Record<string, Error>): EventProcessor & { written: string[] } {
  const written: string[] = [];
  const process = async (event: IngestionEvent) => {
    if (fail[event.path]) throw fail[event.path];
    written.push(event.path);
  };
  return {
    written,
    process,
    // Same contract as the real processor: per-event failures in the result, an outage rejects the call.
    async processMany(events) {
      const outcomes: (Error | null)[] = [];
      for (const event of events) {
        const failure = fail[event.path];
        if (failure instanceof StoreUnavailableError) throw failure;
        outcomes.push(failure ?? null);
        if (!failure) written.push(event.path);
      }
      return outcomes;
    },
  };
}

async function runBatch(processor: EventProcessor, claimed: ClaimedEvent[]) {
  const logs: Record<string, unknown>[] = [];
  const actor = createActor(createProcessBatchLogic(harness!.queue, processor, (_m, fields) => logs.push(fields)), {
    input: { size: claimed.length, items: claimed },
  });
  actor.start();
  return { outcome: toPromise(actor), logs };
}

describe('processBatch actor', () => {
  it('acknowledges what committed and schedules a retry for an event that failed on its own', async () => {
    harness = await sqlite.create({ maxAttempts: 3 });
    await harness.queue.enqueue(manyEvents(3));
    const processor = recordingProcessor({ 'doc-1.md': new Error('cannot parse') });
    const { outcome, logs } = await runBatch(processor, await harness.queue.claim({ max: 3, waitMs: 0 }));
    expect(await outcome).toEqual({ processed: 2, retried: 1, deadLettered: 0 });
    expect(processor.written).toEqual(['doc-0.md', 'doc-2.md']);
    expect(logs).toEqual([expect.objectContaining({ event_id: 'test:doc-1.md:1', verdict: 'retrying', reason: 'Error: cannot parse' })]);
    harness.clock.now += 1_000;
    const again = await harness.queue.claim({ max: 3, waitMs: 0 });
    expect(again.map((c) => [c.event.path, c.attempts])).toEqual([['doc-1.md', 1]]);
  });

  it('on a store outage returns the whole batch to the head uncounted, and fails', async () => {
    harness = await sqlite.create();
    await harness.queue.enqueue(manyEvents(4));
    const processor = recordingProcessor({ 'doc-2.md': new StoreUnavailableError('graph', new Error('connection refused')) });
    const { outcome } = await runBatch(processor, await harness.queue.claim({ max: 4, waitMs: 0 }));
    await expect(outcome).rejects.toThrow('graph store unavailable');
    const left = await harness.queue.claim({ max: 10, waitMs: 0 });
    expect(left.map((c) => [c.event.path, c.attempts])).toEqual([
      ['doc-0.md', 0],
      ['doc-1.md', 0],
      ['doc-2.md', 0],
      ['doc-3.md', 0],
    ]);
    expect(await harness.queue.deadLetters()).toEqual([]);
  });
});
