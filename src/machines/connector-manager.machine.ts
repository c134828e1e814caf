import { assign, type ErrorActorEvent, enqueueActions, fromCallback, setup } from 'xstate';
import { type BackpressureThresholds, nextBackpressure } from '../model/backpressure.ts';
import type { QueueSizes } from '../model/queue-stats.ts';
import { type ConnectorInput, connectorMachine } from './connector.machine.ts';
import { type WorkerInput, workerMachine } from './worker.machine.ts';

/** Input of the supervisor: connectors to start with, workers to run, and the backpressure thresholds. */
export interface ConnectorManagerInput {
  connectors: Omit<ConnectorInput, 'restarts'>[];
  workers: Omit<WorkerInput, 'id'>;
  /** Worker actors in this process (0 for an API-only process). */
  workerCount: number;
  backpressure: BackpressureThresholds;
  /** First wait before restarting a crashed child (ms); doubles per restart of that child, capped at 60 s. */
  restartBaseMs: number;
}

/** Events the supervisor accepts (from the queue monitor, the API and crashed children). */
export type ConnectorManagerEvent =
  | { type: 'REGISTER'; connector: Omit<ConnectorInput, 'restarts'> }
  | { type: 'START_POLLING' }
  | { type: 'STOP' }
  /** A reading of the queue's sizes; `at` is when it was taken (ms since the epoch), from the monitor's clock. */
  | { type: 'QUEUE_STATS'; stats: QueueSizes; at?: number }
  /** The queue's store did not answer (connection refused or reset, command timeout, connection closed). */
  | { type: 'QUEUE_UNREACHABLE'; error: string; at?: number }
  /** The queue's store answered with an error (a Lua `ReplyError`, a key of the wrong type): reachable, but broken. */
  | { type: 'QUEUE_ERROR'; error: string; at?: number }
  | { type: 'RESPAWN'; childId: string }
  | ErrorActorEvent;

const RESTART_CAP_MS = 60_000;

/** Child ids: connectors by name; workers and the queue monitor by these. */
export const workerId = (index: number) => `worker-${index}`;
export const QUEUE_MONITOR_ID = 'queue-monitor';

/**
 * The supervisor (ConnectorManager): spawns a connector actor per connector (systemId `connector:<name>`), the worker
 * actors and the queue monitor; pauses every connector's polling while the queue is under backpressure (with
 * hysteresis) and resumes them under the low mark; restarts a crashed child after a growing delay, counting it.
 * The `queue` region is the service's only backpressure latch: the adapters report sizes, and every reader (health,
 * `GET /queue/stats`, `queue.isBackpressure()`) answers from this state (issue 11).
 */
export const connectorManagerMachine = setup({
  types: {
    input: {} as ConnectorManagerInput,
    context: {} as ConnectorManagerInput & {
      polling: boolean;
      restarts: Record<string, number>;
      /** The last sizes read; kept while the queue is unreachable, for the report. */
      queueStats: QueueSizes | null;
      /** Why the queue is `unreachable` or in `error`; null otherwise. */
      queueError: string | null;
      /** When the monitor last heard from the queue, answer or failure (ms since the epoch, the monitor's clock). */
      queueCheckedAt: number | null;
      /** True while the queue region is in `backpressure`, so a connector spawned meanwhile starts paused. */
      underBackpressure: boolean;
    },
    events: {} as ConnectorManagerEvent,
  },
  actors: {
    connector: connectorMachine,
    worker: workerMachine,
    queueMonitor: fromCallback(() => {
      throw new Error('the queue monitor is provided by the queue adapter');
    }),
  },
  actions: {
    spawnConnector: enqueueActions(({ context, enqueue }, params: { name: string }) => {
      const spec = context.connectors.find((c) => c.name === params.name);
      if (!spec) return;
      // Replacing a running connector: its systemId must be free before the new one registers.
      enqueue.stopChild(spec.name);
      enqueue.spawnChild('connector', {
        id: spec.name,
        systemId: `connector:${spec.name}`,
        input: { ...spec, restarts: context.restarts[spec.name] ?? 0 },
      });
      if (context.underBackpressure) enqueue.sendTo(spec.name, { type: 'BACKPRESSURE_ON' });
      if (context.polling) enqueue.sendTo(spec.name, { type: 'START' });
    }),
    spawnQueueMonitor: enqueueActions(({ enqueue }) => {
      enqueue.spawnChild('queueMonitor', { id: QUEUE_MONITOR_ID, systemId: QUEUE_MONITOR_ID });
    }),
    spawnWorker: enqueueActions(({ context, enqueue }, params: { id: string }) => {
      enqueue.spawnChild('worker', { id: params.id, systemId: `worker:${params.id}`, input: { ...context.workers, id: params.id } });
    }),
    tellConnectors: enqueueActions(({ context, enqueue }, params: { type: 'START' | 'STOP' | 'BACKPRESSURE_ON' | 'BACKPRESSURE_OFF' | 'QUEUE_REACHABLE' }) => {
      for (const connector of context.connectors) enqueue.sendTo(connector.name, { type: params.type });
    }),
    recordQueueStats: assign({
      queueStats: ({ event }) => (event as { stats: QueueSizes }).stats,
      queueError: null,
      queueCheckedAt: ({ context, event }) => (event as { at?: number }).at ?? context.queueCheckedAt,
    }),
    recordQueueFailure: assign({
      queueError: ({ event }) => (event as { error?: string }).error ?? 'unreachable',
      queueCheckedAt: ({ context, event }) => (event as { at?: number }).at ?? context.queueCheckedAt,
    }),
  },
  guards: {
    isOverHighMark: ({ context, event }) => nextBackpressure(false, (event as { stats: QueueSizes }).stats.usage_pct, context.backpressure),
    isUnderLowMark: ({ context, event }) => !nextBackpressure(true, (event as { stats: QueueSizes }).stats.usage_pct, context.backpressure),
  },
  delays: {
    restartDelay: ({ context, event }) => {
      const restarts = context.restarts[(event as ErrorActorEvent).actorId ?? ''] ?? 1;
      return Math.min(RESTART_CAP_MS, context.restartBaseMs * 2 ** Math.max(0, restarts - 1));
    },
  },
}).createMachine({
  id: 'connectorManager',
  context: ({ input }) => ({ ...input, polling: false, restarts: {}, queueStats: null, queueError: null, queueCheckedAt: null, underBackpressure: false }),
  entry: [
    enqueueActions(({ context, enqueue }) => {
      for (const connector of context.connectors) enqueue({ type: 'spawnConnector', params: { name: connector.name } });
      for (let i = 0; i < context.workerCount; i++) enqueue({ type: 'spawnWorker', params: { id: workerId(i) } });
      enqueue('spawnQueueMonitor');
    }),
  ],
  on: {
    REGISTER: {
      actions: [
        assign({ connectors: ({ context, event }) => [...context.connectors.filter((c) => c.name !== event.connector.name), event.connector] }),
        { type: 'spawnConnector', params: ({ event }) => ({ name: event.connector.name }) },
      ],
    },
    START_POLLING: { actions: [assign({ polling: true }), { type: 'tellConnectors', params: { type: 'START' } }] },
    STOP: {
      actions: [
        assign({ polling: false }),
        { type: 'tellConnectors', params: { type: 'STOP' } },
        enqueueActions(({ context, enqueue }) => {
          for (let i = 0; i < context.workerCount; i++) enqueue.sendTo(workerId(i), { type: 'STOP' });
        }),
      ],
    },
    'xstate.error.actor.*': {
      actions: [
        assign({
          restarts: ({ context, event }) => ({ ...context.restarts, [event.actorId ?? '']: (context.restarts[event.actorId ?? ''] ?? 0) + 1 }),
        }),
        enqueueActions(({ event, enqueue }) => {
          if (event.actorId) enqueue.stopChild(event.actorId);
        }),
        enqueueActions(({ event, enqueue }) => {
          if (event.actorId) enqueue.raise({ type: 'RESPAWN', childId: event.actorId }, { delay: 'restartDelay' });
        }),
      ],
    },
    RESPAWN: {
      actions: enqueueActions(({ event, enqueue }) => {
        if (event.childId === QUEUE_MONITOR_ID) enqueue('spawnQueueMonitor');
        else if (event.childId.startsWith('worker-')) enqueue({ type: 'spawnWorker', params: { id: event.childId } });
        else enqueue({ type: 'spawnConnector', params: { name: event.childId } });
      }),
    },
  },
  type: 'parallel',
  states: {
    queue: {
      initial: 'unknown',
      states: {
        unknown: {
          on: {
            QUEUE_STATS: [
              { guard: 'isOverHighMark', target: 'backpressure', actions: 'recordQueueStats' },
              { target: 'flowing', actions: 'recordQueueStats' },
            ],
            QUEUE_UNREACHABLE: 'unreachable',
            QUEUE_ERROR: 'error',
          },
        },
        flowing: {
          on: {
            QUEUE_STATS: [
              { guard: 'isOverHighMark', target: 'backpressure', actions: 'recordQueueStats' },
              { actions: 'recordQueueStats' },
            ],
            QUEUE_UNREACHABLE: 'unreachable',
            QUEUE_ERROR: 'error',
          },
        },
        backpressure: {
          entry: [assign({ underBackpressure: true }), { type: 'tellConnectors', params: { type: 'BACKPRESSURE_ON' } }],
          // Leaving for `unreachable` or `error` resumes polling too: the runbook keeps polling while Redis is down, and
          // nothing is lost because a cursor only advances once its events are queued.
          exit: [assign({ underBackpressure: false }), { type: 'tellConnectors', params: { type: 'BACKPRESSURE_OFF' } }],
          on: {
            QUEUE_STATS: [
              { guard: 'isUnderLowMark', target: 'flowing', actions: 'recordQueueStats' },
              { actions: 'recordQueueStats' },
            ],
            QUEUE_UNREACHABLE: 'unreachable',
            QUEUE_ERROR: 'error',
          },
        },
        unreachable: {
          entry: 'recordQueueFailure',
          // Connectors whose poll found the queue unreachable are waiting for it: they poll again at once.
          exit: { type: 'tellConnectors', params: { type: 'QUEUE_REACHABLE' } },
          on: {
            QUEUE_STATS: [
              { guard: 'isOverHighMark', target: 'backpressure', actions: 'recordQueueStats' },
              { target: 'flowing', actions: 'recordQueueStats' },
            ],
            QUEUE_UNREACHABLE: { actions: 'recordQueueFailure' },
            QUEUE_ERROR: 'error',
          },
        },
        // Reachable but failing (a script error): polling goes on as when unreachable, the error shows in health.
        error: {
          entry: 'recordQueueFailure',
          on: {
            QUEUE_STATS: [
              { guard: 'isOverHighMark', target: 'backpressure', actions: 'recordQueueStats' },
              { target: 'flowing', actions: 'recordQueueStats' },
            ],
            QUEUE_UNREACHABLE: 'unreachable',
            QUEUE_ERROR: { actions: 'recordQueueFailure' },
          },
        },
      },
    },
  },
});
