import { type ActorRefFrom, assign, type ErrorActorEvent, fromPromise, setup } from 'xstate';

/** What one batch came to, as the batch actor reports it. */
export interface BatchOutcome {
  /** Events written to both stores and acknowledged. */
  processed: number;
  /** Events that failed and were scheduled for another attempt. */
  retried: number;
  /** Events that failed their last attempt and went to the dead-letter list. */
  deadLettered: number;
}

/** Options of one worker. */
export interface WorkerInput {
  id: string;
  /** Events claimed per batch. */
  batchSize: number;
  /** How long one claim waits on an empty queue (ms); bounds how long a STOP waits in `idle`. */
  claimWaitMs: number;
  /** First wait after a store or queue outage (ms); doubles per consecutive outage up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Counters shown in health. */
export interface WorkerStats {
  processed: number;
  retried: number;
  dead_lettered: number;
  outages: number;
  last_error: string | null;
}

/** Events a worker accepts. */
export type WorkerEvent = { type: 'STOP' } | ErrorActorEvent;

/** The claimed batch travels from the claim actor to the batch actor opaquely: the machine only counts it. */
export type ClaimedBatch = { size: number; items: unknown[] };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A queue worker: `idle` waits for events (a blocking claim), `draining` writes a batch to the stores and
 * acknowledges it, `backing_off` waits after a store or queue outage with the events left in the queue.
 * STOP finishes the batch in hand, then `stopped`.
 */
export const workerMachine = setup({
  types: {
    input: {} as WorkerInput,
    context: {} as WorkerInput & { batch: ClaimedBatch | null; consecutiveOutages: number; stopping: boolean; stats: WorkerStats },
    events: {} as WorkerEvent,
  },
  actors: {
    claim: fromPromise<ClaimedBatch, { batchSize: number; waitMs: number }>(async () => {
      throw new Error('the claim actor is provided by the queue adapter');
    }),
    processBatch: fromPromise<BatchOutcome, ClaimedBatch>(async () => {
      throw new Error('the batch actor is provided by the pipeline');
    }),
  },
  actions: {
    countBatch: assign(({ context, event }) => {
      const outcome = (event as unknown as { output: BatchOutcome }).output;
      return {
        batch: null,
        consecutiveOutages: 0,
        stats: {
          ...context.stats,
          processed: context.stats.processed + outcome.processed,
          retried: context.stats.retried + outcome.retried,
          dead_lettered: context.stats.dead_lettered + outcome.deadLettered,
        },
      };
    }),
    recordOutage: assign(({ context, event }) => ({
      consecutiveOutages: context.consecutiveOutages + 1,
      batch: null,
      stats: {
        ...context.stats,
        outages: context.stats.outages + 1,
        last_error: messageOf((event as ErrorActorEvent).error),
      },
    })),
  },
  guards: {
    hasEvents: ({ event }) => (event as unknown as { output: ClaimedBatch }).output.size > 0,
    isStopping: ({ context }) => context.stopping,
  },
  delays: {
    outageBackoff: ({ context }) => Math.min(context.backoffMaxMs, context.backoffBaseMs * 2 ** Math.max(0, context.consecutiveOutages - 1)),
  },
}).createMachine({
  id: 'worker',
  context: ({ input }) => ({
    ...input,
    batch: null,
    consecutiveOutages: 0,
    stopping: false,
    stats: { processed: 0, retried: 0, dead_lettered: 0, outages: 0, last_error: null },
  }),
  initial: 'idle',
  states: {
    idle: {
      invoke: {
        id: 'claim',
        src: 'claim',
        input: ({ context }) => ({ batchSize: context.batchSize, waitMs: context.claimWaitMs }),
        onDone: [
          { guard: 'hasEvents', target: 'draining', actions: assign({ batch: ({ event }) => event.output }) },
          { target: 'idle', reenter: true },
        ],
        onError: { target: 'backing_off', actions: 'recordOutage' },
      },
      on: { STOP: 'stopped' },
    },
    draining: {
      invoke: {
        id: 'processBatch',
        src: 'processBatch',
        input: ({ context }) => context.batch as ClaimedBatch,
        onDone: [
          { guard: 'isStopping', target: 'stopped', actions: 'countBatch' },
          { target: 'idle', actions: 'countBatch' },
        ],
        onError: [
          { guard: 'isStopping', target: 'stopped', actions: 'recordOutage' },
          { target: 'backing_off', actions: 'recordOutage' },
        ],
      },
      on: { STOP: { actions: assign({ stopping: true }) } },
    },
    backing_off: {
      after: { outageBackoff: 'idle' },
      on: { STOP: 'stopped' },
    },
    stopped: { type: 'final' },
  },
});

/** A worker actor, as the supervisor holds it. */
export type WorkerActor = ActorRefFrom<typeof workerMachine>;
