import { fromPromise } from 'xstate';
import type { BatchOutcome, ClaimedBatch } from '../../machines/worker.machine.ts';
import type { ChangeFeed, ChangeRecord } from '../changes/change-feed.ts';
import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { EventOutcome, EventProcessor } from '../pipeline/process-event.ts';
import type { ClaimedEvent, IngestionQueue } from '../queue/ingestion-queue.ts';
import type { CommitNotices } from './commit-notices.ts';
import { whileHoldingLeases } from './hold-leases.ts';
import { collapseByDocument } from './collapse-by-document.ts';

/** Receives one line per event that failed, so failures are never silent: `warn` for a retry, `error` for a dead letter. */
export type FailureLog = (message: string, fields: Record<string, unknown>, level: 'warn' | 'error') => void;

/**
 * The worker machine's `processBatch` actor: writes the claimed events to the stores (one batch per store where the
 * store supports it), acknowledges the ones that committed in one call, and schedules a retry (or the dead-letter
 * list, after `max_attempts`) for each event that failed on its own. A store or embedder outage rejects the whole
 * batch: it is released to the head of the queue without counting an attempt (writes that did commit are
 * idempotent, so their redelivery is harmless) and the actor fails so the worker backs off.
 * Ordering (issue 11): each event is written as the version of its queue sequence, so a store holding a newer change to
 * the document ignores it (a stale event is acknowledged like a written one); several events of one document in the
 * batch collapse to the newest first, and the older ones are acknowledged as superseded.
 * Change feed (issue 15): the events both stores committed are appended to `changes` before the batch is acknowledged.
 * If the append fails the batch is released like an outage: its redelivery applies again (an equal version applies,
 * see document-version.ts) and is appended then, so a committed change reaches the feed at least once.
 * Freshness (issue 14): once both stores hold the events (and the feed has them), `commits` hears of them with the time.
 */
export function createProcessBatchLogic(
  queue: IngestionQueue,
  processor: EventProcessor,
  logFailure: FailureLog,
  changes?: ChangeFeed,
  commits?: CommitNotices,
  now: () => number = Date.now,
) {
  return fromPromise<BatchOutcome, ClaimedBatch>(async ({ input }) => {
    const items = input.items as ClaimedEvent[];
    const { newest, superseded } = collapseByDocument(items);
    let outcomes: EventOutcome[];
    try {
      // The batch's leases are extended while it is processed, so only a dead or hung worker loses them (issue 11).
      outcomes = await whileHoldingLeases(
        queue,
        items,
        () =>
          processor.processMany(
            newest.map((c) => c.event),
            newest.map((c) => c.sequence),
          ),
        (lost) => logFailure('lease lost: the queue may deliver these events again', { event_ids: lost.map((c) => c.event.id) }, 'warn'),
      );
      if (changes) await changes.append(newest.filter((_, i) => outcomes[i] === null).map((c) => changeOf(c.event)));
    } catch (error) {
      await queue.release(items);
      throw error;
    }
    // Written (null), not stale or failed: a stale event changed nothing, and a failed one is measured when it commits.
    commits?.publish({ events: newest.filter((_, i) => outcomes[i] === null).map((c) => c.event), committedAt: now() });
    const done = [...newest.filter((_, i) => !(outcomes[i] instanceof Error)), ...superseded];
    await queue.ack(done);
    const outcome: BatchOutcome = { processed: done.length, retried: 0, deadLettered: 0 };
    for (const [i, failure] of outcomes.entries()) {
      if (!(failure instanceof Error)) continue;
      const claimed = newest[i];
      const reason = `${failure.name}: ${failure.message}`;
      const verdict = await queue.retry(claimed, reason);
      const fields = { event_id: claimed.event.id, path: claimed.event.path, attempts: claimed.attempts + 1, verdict, reason, error: failure };
      if (verdict === 'dead') {
        outcome.deadLettered++;
        logFailure('event dead-lettered', fields, 'error');
      } else {
        outcome.retried++;
        logFailure('event failed; retrying', fields, 'warn');
      }
    }
    return outcome;
  });
}

function changeOf(event: IngestionEvent): ChangeRecord {
  return { docId: event.docId, source: event.source, kind: event.kind, path: event.path, ...(event.url !== undefined && { url: event.url }) };
}
