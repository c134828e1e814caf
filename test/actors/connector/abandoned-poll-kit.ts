import { createActor } from 'xstate';
import type { BreakerActor } from '../../../src/actors/breaker/call-through-breaker.ts';
import { runPoll } from '../../../src/actors/connector/create-poll-logic.ts';
import type { CursorStore } from '../../../src/actors/cursor/cursor-store.ts';
import { MemoryDocumentStateStore } from '../../../src/actors/cursor/memory-document-state-store.ts';
import type { IngestionQueue } from '../../../src/actors/queue/ingestion-queue.ts';
import type { DocumentSource } from '../../../src/actors/sources/document-source.ts';
import { circuitBreakerMachine } from '../../../src/machines/circuit-breaker.machine.ts';
import type { PollOutcome } from '../../../src/machines/connector.machine.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';

/** A queue that records what it was given (only `enqueue` is used by a poll); `gate` can hold an enqueue. */
export function recordingQueue() {
  const batches: IngestionEvent[][] = [];
  let gate: Promise<void> | undefined;
  const queue = {
    name: 'test',
    leaseMs: 60_000,
    async enqueue(events: IngestionEvent[]) {
      batches.push(events);
      await gate;
      return { queued: events.length, duplicates: 0 };
    },
  } as unknown as IngestionQueue;
  return {
    queue,
    batches,
    /** Holds every enqueue after it is recorded, until the returned release is called. */
    holdEnqueues(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

/** A cursor store in memory that records every write. */
export function recordingCursors(initial: unknown = null) {
  const writes: unknown[] = [];
  let saved = initial;
  const cursors: CursorStore = {
    get: async () => saved,
    set: async (_name, cursor) => {
      writes.push(cursor);
      saved = cursor;
    },
    delete: async () => {
      saved = null;
    },
  };
  return { cursors, writes };
}

/**
 * One poll of `source` as the connector's poll actor runs it (real breaker, queue and cursor fakes that record),
 * with the AbortController xstate would abort when the connector leaves `polling`.
 */
export function abandonablePoll(name: string, source: DocumentSource, options: { batchSize?: number; breaker?: BreakerActor } = {}) {
  const breaker = options.breaker ?? (createActor(circuitBreakerMachine, { input: { enabled: true, failureThreshold: 1, timeoutMs: 60_000 } }).start() as BreakerActor);
  const queue = recordingQueue();
  const cursors = recordingCursors();
  const controller = new AbortController();
  const deps = { sources: new Map([[name, { source, batchSize: options.batchSize ?? 100 }]]), cursors: cursors.cursors, states: new MemoryDocumentStateStore(), queue: queue.queue };
  return {
    breaker,
    queue,
    cursors,
    controller,
    /** Starts the poll; the promise settles with its outcome or its error (an abandoned poll: the abort reason). */
    start(): Promise<{ outcome?: PollOutcome; error?: unknown }> {
      return runPoll(deps, { name, webhooks: [] }, breaker, controller.signal).then(
        (outcome) => ({ outcome }),
        (error: unknown) => ({ error }),
      );
    },
  };
}

/** True for the error an abandoned poll ends with (the AbortSignal's default reason). */
export const isAbortError = (error: unknown) => error instanceof Error && error.name === 'AbortError';
