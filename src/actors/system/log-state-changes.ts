import type { AnyActorRef, EventObject, InspectionEvent } from 'xstate';
import { queueRetryMs } from '../../machines/connector.machine.ts';
import type { Logger } from '../log/logger.ts';

/** What the state-change log reads beyond the snapshots. */
export interface StateChangeLogOptions {
  /** The wait (ms) the actor layer last chose for an actor's `after` delay, by systemId (`connector:docs`, `worker:worker-0`). */
  delayOf?: (systemId: string) => number | undefined;
  /** Clock for a rate-limit end the source did not state. */
  now?: () => number;
}

/** The part of a machine snapshot this log reads. */
interface Snapshot {
  status: string;
  value: unknown;
  context: Record<string, unknown>;
}

/** A connector's context, as far as its log lines use it. */
interface ConnectorContext {
  name: string;
  attempt: number;
  maxRetries: number;
  pollIntervalMs: number;
  backoffBaseMs: number;
  queueWaits: number;
  permanentError: string | null;
  breakerState: string;
  rateLimitWaitMs: number;
  stats: { last_error: string | null; last_sync: string | null; rate_limited_until: string | null; errors: number };
}

/**
 * Logs each state change an operator cares about, exactly once, by watching the actor system's inspection stream (the
 * machines stay pure: they neither log nor know they are watched). Feed it to `actor.system.inspect(...)`.
 *
 * Lines: a failed poll and its retry, retries used up, a connector degraded / rate limited / recovered (connector);
 * opened, half-open, closed (breaker); backing off and resumed (worker); backpressure on and off, queue unreachable
 * and back, a child crashed and restarting (supervisor).
 */
export function createStateChangeLog(logger: Logger, options: StateChangeLogOptions = {}): (event: InspectionEvent) => void {
  const delayOf = options.delayOf ?? (() => undefined);
  const now = options.now ?? Date.now;
  /** Last state seen per systemId, with the session it belongs to (a restarted actor starts afresh). */
  const seen = new Map<string, { session: string; state: string }>();
  /** Connectors in trouble since they last polled successfully: what the trouble was, so recovery is logged once. */
  const troubled = new Map<string, 'degraded' | 'rate_limited'>();

  const onConnector = (before: string, after: string, snapshot: Snapshot, cause: EventObject) => {
    const c = snapshot.context as unknown as ConnectorContext;
    const connector = c.name;
    const error = errorOf(cause) ?? c.stats.last_error;
    if (after === 'retrying') {
      const delay = delayOf(`connector:${connector}`);
      logger.warn('poll failed; retrying', {
        connector,
        attempt: c.attempt,
        max_retries: c.maxRetries,
        retry_in_ms: delay === undefined ? undefined : Math.round(delay),
        error,
      });
    } else if (after === 'waiting_for_queue') {
      // Once per outage: the polls that keep finding the queue down are not news.
      if (before === 'polling' && c.queueWaits === 1) {
        logger.warn('poll found the queue unreachable; polling again when it answers', { connector, retry_in_ms: queueRetryMs(c), error });
      }
    } else if (before === 'polling' && after === 'idle' && isPollError(cause)) {
      logger.warn('poll failed; retries used up, next poll at the interval', {
        connector,
        attempts: c.maxRetries + 1,
        next_poll_in_ms: c.pollIntervalMs,
        error,
      });
    } else if (after === 'degraded' && troubled.get(connector) !== 'degraded') {
      troubled.set(connector, 'degraded');
      const reason = c.breakerState !== 'closed' ? `circuit breaker ${c.breakerState}` : (c.permanentError ?? 'unknown');
      logger.warn('connector degraded: polling paused', { connector, reason, error: isPollError(cause) ? error : c.stats.last_error });
    } else if (after === 'rate_limited') {
      troubled.set(connector, 'rate_limited');
      const until = c.stats.rate_limited_until ?? new Date(now() + c.rateLimitWaitMs).toISOString();
      logger.warn('connector rate limited: polling paused', { connector, until, wait_ms: c.rateLimitWaitMs, error });
    } else if (after === 'idle' && troubled.has(connector)) {
      logger.info('connector recovered', { connector, was: troubled.get(connector), last_sync: c.stats.last_sync });
      troubled.delete(connector);
    }
  };

  const onBreaker = (systemId: string, before: string, after: string, snapshot: Snapshot, cause: EventObject) => {
    const connector = systemId.slice('breaker:'.length);
    const c = snapshot.context as { failureCount: number; failureThreshold: number; timeoutMs: number };
    const error = (cause as { error?: unknown }).error;
    if (after === 'open') {
      logger.warn(before === 'half_open' ? 'circuit breaker re-opened: the probe failed' : 'circuit breaker opened: polling paused', {
        connector,
        failure_count: c.failureCount,
        failure_threshold: c.failureThreshold,
        probe_in_ms: c.timeoutMs,
        error,
      });
    } else if (after === 'half_open') {
      logger.info('circuit breaker half-open: the next poll is the probe', { connector });
    } else if (after === 'closed') {
      logger.info('circuit breaker closed', { connector, reset: cause.type === 'RESET' });
    }
  };

  const onWorker = (systemId: string, before: string, after: string, snapshot: Snapshot, cause: EventObject) => {
    const worker = snapshot.context.id as string;
    if (after === 'backing_off') {
      const delay = delayOf(systemId);
      logger.warn('worker backing off: store or queue unavailable', {
        worker,
        consecutive_outages: snapshot.context.consecutiveOutages,
        retry_in_ms: delay === undefined ? undefined : Math.round(delay),
        error: errorOf(cause),
      });
    } else if (before === 'backing_off' && after === 'idle') {
      logger.info('worker resumed', { worker });
    }
  };

  const onSupervisor = (before: string, after: string, snapshot: Snapshot) => {
    const c = snapshot.context as { queueStats: { size: number; max_size: number; usage_pct: number } | null; queueError: string | null };
    const usage = c.queueStats ? { size: c.queueStats.size, max_size: c.queueStats.max_size, usage_pct: c.queueStats.usage_pct } : {};
    if (before === 'backpressure') logger.info('queue backpressure off: polling resumed', usage);
    if (before === 'unreachable') logger.info('ingestion queue reachable again', usage);
    if (after === 'backpressure') logger.warn('queue backpressure on: polling paused', usage);
    if (after === 'unreachable') logger.warn('ingestion queue unreachable', { error: c.queueError });
  };

  return (inspection) => {
    if (inspection.type !== '@xstate.snapshot') return;
    const ref = inspection.actorRef as AnyActorRef & { systemId?: string };
    const systemId = ref.systemId;
    if (!systemId) return;
    const snapshot = inspection.snapshot as unknown as Snapshot;
    const cause = inspection.event;
    if (systemId === 'connector-manager' && cause.type.startsWith('xstate.error.actor.')) {
      const crash = cause as EventObject & { actorId?: string; error?: unknown };
      logger.error('actor crashed; the supervisor restarts it', { actor: crash.actorId, error: crash.error });
    }
    if (snapshot.status !== 'active') return;
    const state = stateOf(systemId, snapshot.value);
    const previous = seen.get(systemId);
    seen.set(systemId, { session: ref.sessionId, state });
    // First sight of this actor (or of a restarted one): nothing changed yet, and a restarted connector starts afresh.
    if (!previous || previous.session !== ref.sessionId) {
      if (systemId.startsWith('connector:')) troubled.delete(systemId.slice('connector:'.length));
      return;
    }
    if (previous.state === state) return;
    if (systemId.startsWith('connector:')) onConnector(previous.state, state, snapshot, cause);
    else if (systemId.startsWith('breaker:')) onBreaker(systemId, previous.state, state, snapshot, cause);
    else if (systemId.startsWith('worker:')) onWorker(systemId, previous.state, state, snapshot, cause);
    else if (systemId === 'connector-manager') onSupervisor(previous.state, state, snapshot);
  };
}

/** The state a log line is about: the top-level state, or the supervisor's queue region. */
function stateOf(systemId: string, value: unknown): string {
  if (typeof value === 'string') return value;
  const object = (value ?? {}) as Record<string, unknown>;
  if (systemId === 'connector-manager') return String(object.queue);
  return Object.keys(object)[0] ?? '';
}

function isPollError(event: EventObject): boolean {
  return event.type === 'xstate.error.actor.poll';
}

/** The error an `xstate.error.actor.*` event carries, if that is what caused the change. */
function errorOf(event: EventObject): unknown {
  return event.type.startsWith('xstate.error.actor.') ? (event as { error?: unknown }).error : undefined;
}
