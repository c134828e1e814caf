import { assign, enqueueActions, setup } from 'xstate';

/** Options of one breaker, from a connector's `circuit_breaker_*` keys. */
export interface CircuitBreakerInput {
  /** `circuit_breaker_enabled`: false lets every call through and never opens. */
  enabled: boolean;
  /** `circuit_breaker_failure_threshold`: consecutive failures that open the breaker. */
  failureThreshold: number;
  /** `circuit_breaker_timeout_seconds`, in ms: how long the breaker stays open before one probe. */
  timeoutMs: number;
  /** Send BREAKER_OPENED / BREAKER_HALF_OPEN / BREAKER_CLOSED to the parent (the connector); off when run alone. */
  reportToParent?: boolean;
}

/** Counters and timestamps the breaker keeps; times are epoch ms carried in by the events (the machine reads no clock). */
export interface CircuitBreakerContext extends Required<CircuitBreakerInput> {
  /** Consecutive failures since the last success. */
  failureCount: number;
  lastFailureTime: number | null;
  openedAt: number | null;
  calls: number;
  failures: number;
  rejections: number;
}

/** What the caller tells the breaker; `at` is the caller's clock in epoch ms. */
export type CircuitBreakerEvent =
  | { type: 'CALL'; at: number }
  | { type: 'SUCCESS'; at: number }
  | { type: 'FAILURE'; at: number; error?: string }
  | { type: 'REJECTED'; at: number }
  | { type: 'RESET' };

/** Events the breaker emits to listeners, and sends to its parent when `reportToParent` is set. */
export type CircuitBreakerNotice = { type: 'BREAKER_OPENED' } | { type: 'BREAKER_HALF_OPEN' } | { type: 'BREAKER_CLOSED' };

/**
 * Circuit breaker: `closed` until `failureThreshold` consecutive failures, then `open` (calls rejected without touching
 * the network) for `timeoutMs`, then `half_open`, where exactly one probe call decides: success closes, failure re-opens.
 * A caller asks permission with `snapshot.can({ type: 'CALL' })`; when refused it sends REJECTED so the count is kept.
 */
export const circuitBreakerMachine = setup({
  types: {
    input: {} as CircuitBreakerInput,
    context: {} as CircuitBreakerContext,
    events: {} as CircuitBreakerEvent,
    emitted: {} as CircuitBreakerNotice,
  },
  actions: {
    notify: enqueueActions(({ context, enqueue }, notice: CircuitBreakerNotice) => {
      enqueue.emit(notice);
      if (context.reportToParent) enqueue.sendParent(notice);
    }),
    countFailure: assign(({ context, event }) => ({
      failureCount: context.failureCount + 1,
      failures: context.failures + 1,
      lastFailureTime: 'at' in event ? event.at : context.lastFailureTime,
    })),
  },
  guards: {
    isTripped: ({ context }) => context.enabled && context.failureCount + 1 >= context.failureThreshold,
  },
  delays: {
    openTimeout: ({ context }) => context.timeoutMs,
  },
}).createMachine({
  id: 'circuitBreaker',
  context: ({ input }) => ({
    enabled: input.enabled,
    failureThreshold: input.failureThreshold,
    timeoutMs: input.timeoutMs,
    reportToParent: input.reportToParent ?? false,
    failureCount: 0,
    lastFailureTime: null,
    openedAt: null,
    calls: 0,
    failures: 0,
    rejections: 0,
  }),
  initial: 'closed',
  on: {
    REJECTED: { actions: assign({ rejections: ({ context }) => context.rejections + 1 }) },
    RESET: { target: '.closed', actions: [assign({ failureCount: 0, openedAt: null }), { type: 'notify', params: { type: 'BREAKER_CLOSED' } }] },
  },
  states: {
    closed: {
      on: {
        CALL: { actions: assign({ calls: ({ context }) => context.calls + 1 }) },
        SUCCESS: { actions: assign({ failureCount: 0 }) },
        FAILURE: [{ guard: 'isTripped', target: 'open', actions: 'countFailure' }, { actions: 'countFailure' }],
      },
    },
    open: {
      entry: [assign({ openedAt: ({ context }) => context.lastFailureTime }), { type: 'notify', params: { type: 'BREAKER_OPENED' } }],
      after: { openTimeout: 'half_open' },
      on: {
        // A call that started before the breaker opened may still fail; it counts, but changes nothing.
        FAILURE: { actions: assign({ failures: ({ context }) => context.failures + 1, lastFailureTime: ({ event }) => event.at }) },
      },
    },
    half_open: {
      entry: { type: 'notify', params: { type: 'BREAKER_HALF_OPEN' } },
      initial: 'waiting_for_probe',
      states: {
        waiting_for_probe: {
          on: { CALL: { target: 'probing', actions: assign({ calls: ({ context }) => context.calls + 1 }) } },
        },
        // Only the probe may run: CALL is not handled here, so `can(CALL)` is false and other callers are rejected.
        probing: {
          on: {
            SUCCESS: { target: '#circuitBreaker.closed', actions: [assign({ failureCount: 0, openedAt: null }), { type: 'notify', params: { type: 'BREAKER_CLOSED' } }] },
            FAILURE: { target: '#circuitBreaker.open', actions: 'countFailure' },
          },
        },
      },
    },
  },
});
