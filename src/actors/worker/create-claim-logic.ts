import { fromPromise } from 'xstate';
import type { ClaimedBatch } from '../../machines/worker.machine.ts';
import type { IngestionQueue } from '../queue/ingestion-queue.ts';

/** The worker machine's `claim` actor: a blocking claim of up to `batchSize` events. */
export function createClaimLogic(queue: IngestionQueue) {
  return fromPromise<ClaimedBatch, { batchSize: number; waitMs: number }>(async ({ input }) => {
    const items = await queue.claim({ max: input.batchSize, waitMs: input.waitMs });
    return { size: items.length, items };
  });
}
