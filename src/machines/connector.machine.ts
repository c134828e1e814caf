import { type ActorRefFrom, assign, type ErrorActorEvent, enqueueActions, fromPromise, setup } from 'xstate';
import { type CircuitBreakerInput, circuitBreakerMachine } from './circuit-breaker.machine.ts';
import { bufferWebhooks, canBufferWebhook, type WebhookMessage } from './webhook-buffer.ts';

export type { WebhookMessage } from './webhook-buffer.ts';

/** What one poll found and queued, as the poll actor reports it. */
export interface PollOutcome {
  /** Changes found in the source (before dedupe). */
  received: number;
  /** Events the queue accepted (duplicates excluded). */
  queued: number;
  /** When the poll finished (ISO 8601), from the actor's clock. */
  syncedAt: string;
}

/** Input of the poll actor: which connector, and the webhooks buffered since the last poll. */
export interface PollInput {
  name: string;
  webhooks: WebhookMessage[];
  /** When a file watcher first noticed the changes this poll looks for (ISO 8601); absent for a poll no watcher asked for. */
  watchedAt?: string;
}

/** Options of one connector, from `connectors.<name>` in inlet.yaml. */
export interface ConnectorInput {
  name: string;
  kind: string;
  /** `poll_interval_seconds`, in ms. */
  pollIntervalMs: number;
  /** `max_retries`: retries of a failed poll before waiting for the next interval. */
  maxRetries: number;
  /** `backoff_base_seconds`, in ms: the first retry waits up to this, each next one up to twice as long. */
  backoffBaseMs: number;
  /** Webhooks kept while polling is paused or degraded; past this, deliveries are refused with 503. */
  maxBufferedWebhooks: number;
  /** How long the first webhook of a burst waits for the rest before the poll it triggers (ms). */
  webhookDebounceMs: number;
  breaker: Omit<CircuitBreakerInput, 'reportToParent'>;
  /** Times the supervisor restarted this connector after a crash. */
  restarts: number;
}

/** Which of a connector's webhook secrets verified its deliveries (`webhook_secret: [current, previous]`). */
export interface WebhookSecretMatches {
  current: number;
  previous: number;
}

/** Counters in the runbook's health shape. */
export interface ConnectorStats {
  events_received: number;
  events_queued: number;
  errors: number;
  last_sync: string | null;
  restarts: number;
  webhooks_buffered: number;
  /** Verified webhook deliveries handed to this connector since it started. */
  webhooks_received: number;
  /** Of those, the ones that replaced a buffered delivery with the same news (one poll serves both). */
  webhooks_coalesced: number;
  webhook_signature_failures: number;
  /**
   * Verified deliveries by the secret that matched: `current` is the first of `webhook_secret` (or Notion's stored
   * token), `previous` any later one, so an operator rotating a secret sees when the old one stops being used.
   */
  webhook_secret_matched: WebhookSecretMatches;
  /** When a rate-limit pause ends (ISO 8601), while the connector is `rate_limited`. */
  rate_limited_until: string | null;
  last_error: string | null;
}

export type ConnectorEvent =
  | { type: 'START' }
  | { type: 'STOP' }
  /** Poll at once; `watchedAt` (ISO 8601) when a file watcher asks, the time of its first notice (the changes' "seen"). */
  | { type: 'POLL_NOW'; watchedAt?: string }
  /** One delivery; refused (dropped) when the buffer has no room for it. */
  | ({ type: 'WEBHOOK' } & WebhookMessage)
  /**
   * Deliveries the actor layer already accepted against the buffer's room (a route answered 202 for each), handed over
   * together once per event-loop turn: all are kept, so a poll that started meanwhile may leave the buffer a batch over.
   */
  | { type: 'WEBHOOKS'; deliveries: WebhookMessage[] }
  /** A delivery for this connector failed signature verification (counted for the runbook's webhook-failure alert). */
  | { type: 'WEBHOOK_REJECTED' }
  /** A delivery verified with the current (first) or a previous webhook secret (counted so rotation can be watched). */
  | { type: 'WEBHOOK_SECRET_MATCHED'; slot: keyof WebhookSecretMatches }
  | { type: 'BACKPRESSURE_ON' }
  | { type: 'BACKPRESSURE_OFF' }
  /** The supervisor saw the queue answer again after it was unreachable. */
  | { type: 'QUEUE_REACHABLE' }
  | { type: 'BREAKER_OPENED' }
  | { type: 'BREAKER_HALF_OPEN' }
  | { type: 'BREAKER_CLOSED' }
  | ErrorActorEvent;

/** The largest retry delay for a retry number (1-based): base, 2×base, 4×base, ... */
export function retryCeilingMs(backoffBaseMs: number, attempt: number): number {
  return backoffBaseMs * 2 ** Math.max(0, attempt - 1);
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** The longest wait between two polls that found the queue unreachable: Redis restarts take seconds, not minutes. */
export const QUEUE_RETRY_CAP_MS = 30_000;

/** How long to wait before polling again after the `waits`-th poll in a row that found the queue unreachable. */
export function queueRetryMs(context: { backoffBaseMs: number; pollIntervalMs: number; queueWaits: number }): number {
  return Math.min(retryCeilingMs(context.backoffBaseMs, context.queueWaits), QUEUE_RETRY_CAP_MS, context.pollIntervalMs);
}

/** How long a rate-limited source asked us to wait (ms), from the error's `retryAfterMs`. */
function retryAfterOf(error: unknown): number {
  const ms = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof ms === 'number' && ms > 0 ? ms : 60_000;
}

function resumeAtOf(error: unknown): string | null {
  const at = typeof error === 'object' && error !== null ? (error as { resumeAt?: unknown }).resumeAt : undefined;
  return typeof at === 'string' ? at : null;
}

/** The context after buffering `messages`: the buffer, and the counts of health. */
function bufferedWebhooks(context: { pendingWebhooks: WebhookMessage[]; webhooksInFlight: number; maxBufferedWebhooks: number; stats: ConnectorStats }, messages: readonly WebhookMessage[]) {
  const { pending, coalesced } = bufferWebhooks(webhookBufferOf(context), messages);
  return {
    pendingWebhooks: pending,
    stats: {
      ...context.stats,
      webhooks_buffered: pending.length,
      webhooks_received: context.stats.webhooks_received + messages.length,
      webhooks_coalesced: context.stats.webhooks_coalesced + coalesced,
    },
  };
}

/** The connector's webhook buffer, as `webhook-buffer.ts` reads it. */
export function webhookBufferOf(context: { pendingWebhooks: WebhookMessage[]; webhooksInFlight: number; maxBufferedWebhooks: number }) {
  return { pending: context.pendingWebhooks, inFlight: context.webhooksInFlight, max: context.maxBufferedWebhooks };
}

/** The earlier of two times from `toISOString()` (fixed-width UTC: string order is time order), either may be missing. */
function earlier(a: string | null, b: string | null | undefined): string | null {
  if (a === null) return b ?? null;
  return b == null || a <= b ? a : b;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One connector: `stopped` until started, then `idle` ⇄ `polling` on its interval (or at once on a webhook or POLL_NOW),
 * `retrying` with exponential backoff after a failed poll, `degraded` while its breaker is open (polling paused,
 * webhooks buffered), and `paused` while the queue is under backpressure (webhooks buffered).
 * The poll itself is the `poll` actor, provided per source by the actor layer.
 */
export const connectorMachine = setup({
  types: {
    input: {} as ConnectorInput,
    context: {} as ConnectorInput & {
      attempt: number;
      /** Polls in a row that failed because the queue was unreachable; they spend no retries (the source is fine). */
      queueWaits: number;
      queuePaused: boolean;
      /** The breaker's state as its notices report it; the connector reacts to it rather than reading the child. */
      breakerState: 'closed' | 'open' | 'half_open';
      pollRequested: boolean;
      pendingWebhooks: WebhookMessage[];
      /** Why the connector is degraded with its breaker closed (bad token, no access); null otherwise. */
      permanentError: string | null;
      /** The wait a rate-limited source asked for (ms). */
      rateLimitWaitMs: number;
      /** How many of `pendingWebhooks` the running poll was given. */
      webhooksInFlight: number;
      /** The earliest watcher notice no poll has taken yet (ISO 8601). */
      watchedAt: string | null;
      /** The watcher notice handed to the running poll; kept through its retries, dropped once a poll succeeds. */
      watchedAtInFlight: string | null;
      stats: ConnectorStats;
    },
    events: {} as ConnectorEvent,
  },
  actors: {
    breaker: circuitBreakerMachine,
    poll: fromPromise<PollOutcome, PollInput>(async () => {
      throw new Error('the poll actor is provided by the source adapter');
    }),
  },
  actions: {
    noteWatch: assign({ watchedAt: ({ context, event }) => earlier(context.watchedAt, (event as { watchedAt?: string }).watchedAt) }),
    recordError: assign(({ context, event }) => ({
      attempt: context.attempt + 1,
      stats: { ...context.stats, errors: context.stats.errors + 1, last_error: describe((event as ErrorActorEvent).error) },
    })),
  },
  guards: {
    isPollRequested: ({ context }) => context.pollRequested,
    hasPendingWebhooks: ({ context }) => context.pendingWebhooks.length > 0,
    canRetry: ({ context }) => context.attempt < context.maxRetries,
    isBreakerRefusal: ({ event }) => codeOf((event as ErrorActorEvent).error) === 'BREAKER_OPEN',
    isRateLimited: ({ event }) => codeOf((event as ErrorActorEvent).error) === 'RATE_LIMITED',
    isPermanentFailure: ({ event }) => codeOf((event as ErrorActorEvent).error) === 'SOURCE_PERMANENT',
    isQueueUnavailable: ({ event }) => codeOf((event as ErrorActorEvent).error) === 'QUEUE_UNAVAILABLE',
    hasPermanentError: ({ context }) => context.permanentError !== null,
    isQueuePaused: ({ context }) => context.queuePaused,
    isBreakerOpen: ({ context }) => context.breakerState === 'open',
    isRecovered: ({ context }) => context.breakerState === 'closed' && context.permanentError === null,
    // The probe waits while the queue is under backpressure: a probe that succeeds would only poll into a full queue.
    mayProbe: ({ context }) => context.breakerState === 'half_open' && !context.queuePaused,
    hasBufferRoom: ({ context, event }) => canBufferWebhook(webhookBufferOf(context), event as WebhookMessage),
  },
  delays: {
    pollInterval: ({ context }) => context.pollIntervalMs,
    rateLimitWait: ({ context }) => context.rateLimitWaitMs,
    queueRetry: ({ context }) => queueRetryMs(context),
    webhookDebounce: ({ context }) => context.webhookDebounceMs,
    // The pure machine waits the full ceiling; the actor layer provides full jitter (a random share of it).
    retryBackoff: ({ context }) => retryCeilingMs(context.backoffBaseMs, context.attempt),
  },
}).createMachine({
  id: 'connector',
  context: ({ input }) => ({
    ...input,
    attempt: 0,
    queueWaits: 0,
    queuePaused: false,
    breakerState: 'closed' as const,
    pollRequested: true,
    pendingWebhooks: [],
    permanentError: null,
    rateLimitWaitMs: 0,
    webhooksInFlight: 0,
    watchedAt: null,
    watchedAtInFlight: null,
    stats: {
      events_received: 0,
      events_queued: 0,
      errors: 0,
      last_sync: null,
      restarts: input.restarts,
      webhooks_buffered: 0,
      webhooks_received: 0,
      webhooks_coalesced: 0,
      webhook_signature_failures: 0,
      webhook_secret_matched: { current: 0, previous: 0 },
      rate_limited_until: null,
      last_error: null,
    },
  }),
  // Spawned rather than invoked so its systemId can carry the connector's name: `breaker:<name>`.
  entry: enqueueActions(({ context, enqueue }) =>
    enqueue.spawnChild('breaker', {
      id: 'breaker',
      systemId: `breaker:${context.name}`,
      input: { ...context.breaker, reportToParent: true },
    }),
  ),
  initial: 'stopped',
  on: {
    // A STOP may cut a poll short: remember to poll at once on the next START.
    STOP: { target: '.stopped', actions: assign({ pollRequested: true }) },
    WEBHOOK: {
      guard: 'hasBufferRoom',
      actions: assign(({ context, event }) =>
        bufferedWebhooks(context, [
          { deliveryId: event.deliveryId, event: event.event, payload: event.payload, coalesceKey: event.coalesceKey, receivedAt: event.receivedAt },
        ]),
      ),
    },
    WEBHOOKS: { actions: assign(({ context, event }) => bufferedWebhooks(context, event.deliveries)) },
    POLL_NOW: { actions: [assign({ pollRequested: true }), 'noteWatch'] },
    WEBHOOK_SECRET_MATCHED: {
      actions: assign({
        stats: ({ context, event }) => {
          const matched = context.stats.webhook_secret_matched;
          return { ...context.stats, webhook_secret_matched: { ...matched, [event.slot]: matched[event.slot] + 1 } };
        },
      }),
    },
    WEBHOOK_REJECTED: {
      actions: assign({ stats: ({ context }) => ({ ...context.stats, webhook_signature_failures: context.stats.webhook_signature_failures + 1 }) }),
    },
    BREAKER_OPENED: { actions: assign({ breakerState: 'open' as const }) },
    BREAKER_HALF_OPEN: { actions: assign({ breakerState: 'half_open' as const }) },
    BREAKER_CLOSED: { actions: assign({ breakerState: 'closed' as const }) },
    BACKPRESSURE_ON: { actions: assign({ queuePaused: true }) },
    BACKPRESSURE_OFF: { actions: assign({ queuePaused: false }) },
  },
  states: {
    stopped: {
      on: { START: [{ guard: 'isQueuePaused', target: 'paused' }, { target: 'idle' }] },
    },
    idle: {
      always: [
        { guard: 'isBreakerOpen', target: 'degraded' },
        { guard: 'isQueuePaused', target: 'paused' },
        { guard: 'isPollRequested', target: 'polling' },
        { guard: 'hasPendingWebhooks', target: 'debouncing' },
      ],
      after: { pollInterval: 'polling' },
    },
    // A burst of webhooks (a push per commit, a page saved every few seconds) becomes one poll, not one per delivery.
    debouncing: {
      always: [
        { guard: 'isBreakerOpen', target: 'degraded' },
        { guard: 'isQueuePaused', target: 'paused' },
        { guard: 'isPollRequested', target: 'polling' },
      ],
      after: { webhookDebounce: 'polling' },
    },
    polling: {
      always: { guard: 'isBreakerOpen', target: 'degraded' },
      entry: assign(({ context }) => ({
        pollRequested: false,
        webhooksInFlight: context.pendingWebhooks.length,
        watchedAtInFlight: earlier(context.watchedAtInFlight, context.watchedAt),
        watchedAt: null,
      })),
      invoke: {
        id: 'poll',
        src: 'poll',
        input: ({ context }) => ({
          name: context.name,
          webhooks: context.pendingWebhooks,
          ...(context.watchedAtInFlight !== null && { watchedAt: context.watchedAtInFlight }),
        }),
        onDone: {
          target: 'idle',
          actions: assign(({ context, event }) => {
            // Webhooks that arrived during the poll stay buffered for the next one.
            const pendingWebhooks = context.pendingWebhooks.slice(context.webhooksInFlight);
            return {
              attempt: 0,
              queueWaits: 0,
              permanentError: null,
              pendingWebhooks,
              webhooksInFlight: 0,
              watchedAtInFlight: null,
              stats: {
                ...context.stats,
                events_received: context.stats.events_received + event.output.received,
                events_queued: context.stats.events_queued + event.output.queued,
                last_sync: event.output.syncedAt,
                webhooks_buffered: pendingWebhooks.length,
                rate_limited_until: null,
              },
            };
          }),
        },
        onError: [
          { guard: 'isBreakerRefusal', target: 'degraded' },
          {
            guard: 'isRateLimited',
            target: 'rate_limited',
            actions: assign(({ context, event }) => ({
              rateLimitWaitMs: retryAfterOf(event.error),
              stats: { ...context.stats, last_error: describe(event.error), rate_limited_until: resumeAtOf(event.error) },
            })),
          },
          {
            guard: 'isPermanentFailure',
            target: 'degraded',
            actions: assign(({ context, event }) => ({
              attempt: 0,
              permanentError: describe(event.error),
              stats: { ...context.stats, errors: context.stats.errors + 1, last_error: describe(event.error) },
            })),
          },
          {
            guard: 'isQueueUnavailable',
            target: 'waiting_for_queue',
            actions: assign(({ context, event }) => ({
              queueWaits: context.queueWaits + 1,
              stats: { ...context.stats, errors: context.stats.errors + 1, last_error: describe(event.error) },
            })),
          },
          { guard: 'canRetry', target: 'retrying', actions: 'recordError' },
          { target: 'idle', actions: ['recordError', assign({ attempt: 0 })] },
        ],
      },
      on: { BACKPRESSURE_ON: { target: 'paused', actions: assign({ queuePaused: true, pollRequested: true }) } },
    },
    retrying: {
      always: { guard: 'isBreakerOpen', target: 'degraded' },
      after: { retryBackoff: 'polling' },
      on: { BACKPRESSURE_ON: { target: 'paused', actions: assign({ queuePaused: true }) } },
    },
    // The queue (Redis) could not be reached: not the source's fault, so neither the breaker nor the retry budget is
    // touched, and the changes are not lost (the cursor did not move). Waiting the poll interval would leave them unseen
    // for up to an hour; the poll runs again as soon as the supervisor sees the queue answer, and at the latest after a
    // backoff capped at 30 s, in case the outage was too short for the supervisor's probe to notice.
    waiting_for_queue: {
      entry: assign({ pollRequested: true }),
      always: { guard: 'isBreakerOpen', target: 'degraded' },
      after: { queueRetry: 'polling' },
      on: {
        QUEUE_REACHABLE: 'idle',
        BACKPRESSURE_ON: { target: 'paused', actions: assign({ queuePaused: true }) },
      },
    },
    // Polling waits here while the breaker is open (the half-open probe is a poll), or after a permanent failure
    // such as a revoked token, which is re-checked once per poll interval rather than retried in a loop.
    degraded: {
      always: [
        { guard: 'mayProbe', target: 'polling' },
        { guard: 'isRecovered', target: 'idle' },
      ],
      after: { pollInterval: { guard: 'hasPermanentError', target: 'polling' } },
      on: { POLL_NOW: { guard: 'hasPermanentError', target: 'polling', actions: 'noteWatch' } },
    },
    // The source asked us to wait: not an outage, so the breaker is untouched and the wait is exactly what it asked.
    rate_limited: {
      always: { guard: 'isBreakerOpen', target: 'degraded' },
      after: { rateLimitWait: 'polling' },
      on: { BACKPRESSURE_ON: { target: 'paused', actions: assign({ queuePaused: true, pollRequested: true }) } },
    },
    paused: {
      always: { guard: 'isBreakerOpen', target: 'degraded' },
      on: { BACKPRESSURE_OFF: { target: 'idle', actions: assign({ queuePaused: false, pollRequested: true }) } },
    },
  },
});

/** A connector actor, as the supervisor holds it. */
export type ConnectorActor = ActorRefFrom<typeof connectorMachine>;
