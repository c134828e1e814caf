import { fromPromise } from 'xstate';
import type { BatchOutcome, ClaimedBatch } from '../../machines/worker.machine.ts';
import type { EventProcessor } from '../pipeline/process-event.ts';
import type { ClaimedEvent, IngestionQueue } from '../queue/ingestion-queue.ts';
import { isEmbedderUnavailableError } from '../embed/embedder-unavailable-error.ts';
import { isStoreUnavailableError } from '../stores/store-errors.ts';

/** Receives one line per event that failed, so failures are never silent. */
export type FailureLog = (message: string, fields: Record<string, unknown>) => void;

/**
 * The worker machine's `processBatch` actor: writes each claimed event to the stores, then acknowledges the ones
 * that committed in one call. An event that fails on its own is retried later (or dead-lettered after
 * `max_attempts`). A store outage stops the batch: what committed is acknowledged, the rest is released to the head
 * of the queue without counting an attempt, and the actor fails so the worker backs off.
 */
export function createProcessBatchLogic(queue: IngestionQueue, processor: EventProcessor, logFailure: FailureLog) {
  return fromPromise<BatchOutcome, ClaimedBatch>(async ({ input }) => {
    const items = input.items as ClaimedEvent[];
    const done: ClaimedEvent[] = [];
    const outcome: BatchOutcome = { processed: 0, retried: 0, deadLettered: 0 };
    for (let i = 0; i < items.length; i++) {
      const claimed = items[i];
      try {
        await processor.process(claimed.event);
        done.push(claimed);
      } catch (error) {
        // An outage of a store or of the embedder is nobody's fault in the batch: leave the events queued, back off.
        if (isStoreUnavailableError(error) || isEmbedderUnavailableError(error)) {
          await queue.ack(done);
          await queue.release(items.slice(i));
          throw error;
        }
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const verdict = await queue.retry(claimed, reason);
        logFailure('event failed', { event_id: claimed.event.id, attempts: claimed.attempts + 1, verdict, reason });
        if (verdict === 'dead') outcome.deadLettered++;
        else outcome.retried++;
      }
    }
    await queue.ack(done);
    outcome.processed = done.length;
    return outcome;
  });
}
