import { fromPromise } from 'xstate';
import type { PollInput, PollOutcome } from '../../machines/connector.machine.ts';
import { type BreakerActor, callThroughBreaker } from '../breaker/call-through-breaker.ts';
import type { CursorStore } from '../cursor/cursor-store.ts';
import { type DocumentStateStore, isEmptyChange } from '../cursor/document-state-store.ts';
import type { IngestionQueue } from '../queue/ingestion-queue.ts';
import type { DocumentSource } from '../sources/document-source.ts';
import type { PollsInFlight } from './polls-in-flight.ts';
import { seenStampOf, withSeenStamp } from './seen-stamp.ts';

/** What the poll actor needs: the sources by connector name, where cursors live, the queue, and batch sizes. */
export interface PollDeps {
  sources: Map<string, { source: DocumentSource; batchSize: number }>;
  cursors: CursorStore;
  /** What sources remember per document (hashes, versions, paths): every kind reads it, so it is not optional. */
  states: DocumentStateStore;
  queue: IngestionQueue;
  now?: () => number;
  /** Where running polls are tracked, for a graceful stop that waits for them. */
  inFlight?: PollsInFlight;
}

/**
 * The connector machine's `poll` actor: asks the source for changes since the saved cursor (every source call
 * through the connector's breaker), enqueues them in batches of `batch_size`, and saves the new cursor only once
 * every batch is in the queue. If the queue refuses or is unreachable, the cursor stays and the next poll finds
 * the same changes again; the batches already queued are dropped as duplicates by their ids. A failed enqueue may
 * have landed all the same (Redis runs a command the client gave up on once it wakes), and the next poll may start
 * from a newer head that no longer names what it put in the stores: the source's pending marks, written before the
 * first enqueue, tell that poll which documents to check.
 *
 * xstate aborts the actor's `signal` when the connector leaves `polling` (STOP, backpressure, breaker opened): the
 * poll then makes no further source call, enqueues nothing more and saves no cursor (issue 11).
 */
export function createPollLogic(deps: PollDeps) {
  return fromPromise<PollOutcome, PollInput>(({ input, system, signal }) => {
    const poll = (async () => {
      const breaker = system.get(`breaker:${input.name}`) as BreakerActor | undefined;
      if (!breaker) throw new Error(`no circuit breaker running for connector ${input.name}`);
      return runPoll(deps, input, breaker, signal);
    })();
    return deps.inFlight ? deps.inFlight.track(poll) : poll;
  });
}

/** One poll of connector `input.name`, abandoned (rejecting with the signal's reason) once `signal` is aborted. */
export async function runPoll(deps: PollDeps, input: PollInput, breaker: BreakerActor, signal: AbortSignal): Promise<PollOutcome> {
  const now = deps.now ?? Date.now;
  const entry = deps.sources.get(input.name);
  if (!entry) throw new Error(`no source registered for connector ${input.name}`);
  const cursor = await deps.cursors.get(input.name);
  const documents = await deps.states.load(input.name);
  signal.throwIfAborted();
  const found = await entry.source.poll({
    cursor,
    documents,
    webhooks: input.webhooks,
    signal,
    guard: (call) => callThroughBreaker(breaker, input.name, call, (e) => entry.source.isOutage(e), now, signal),
  });
  // When and how inlet saw these changes travels with them to the worker, for the freshness metrics (issue 14).
  const events = withSeenStamp(found.events, seenStampOf(input, now()));
  const { nextCursor, documents: changed, pending } = found;
  // Before any enqueue: a failed one may have landed all the same, and the next poll then needs the marks to find it out.
  if (events.length > 0 && pending && !isEmptyChange(pending)) {
    signal.throwIfAborted();
    await deps.states.apply(input.name, pending);
  }
  let queued = 0;
  for (let i = 0; i < events.length; i += entry.batchSize) {
    // Checked right before each enqueue and before the cursor write: an abandoned poll leaves no trace after its abort.
    signal.throwIfAborted();
    queued += (await deps.queue.enqueue(events.slice(i, i + entry.batchSize))).queued;
  }
  // The per-document state before the cursor: a crash between the two re-reads the same delta, which the state then skips.
  if (changed && !isEmptyChange(changed)) {
    signal.throwIfAborted();
    await deps.states.apply(input.name, changed);
  }
  // An idle poll (a 304, no change) leaves the cursor as it was: no write.
  if (JSON.stringify(nextCursor) !== JSON.stringify(cursor)) {
    signal.throwIfAborted();
    await deps.cursors.set(input.name, nextCursor);
  }
  return { received: events.length, queued, syncedAt: new Date(now()).toISOString() };
}
