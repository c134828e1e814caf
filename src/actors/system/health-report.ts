import type { SnapshotFrom } from 'xstate';
import type { circuitBreakerMachine } from '../../machines/circuit-breaker.machine.ts';
import type { connectorMachine } from '../../machines/connector.machine.ts';
import type { connectorManagerMachine } from '../../machines/connector-manager.machine.ts';
import type { workerMachine } from '../../machines/worker.machine.ts';
import type { QueueStats } from '../../model/queue-stats.ts';
import { type SecretScrubber, scrubDeep } from '../log/secret-scrubber.ts';
import type { LastPoll } from './poll-outcomes.ts';

/** The breaker's stats in wire form (times as ISO 8601). */
export interface BreakerStats {
  state: 'closed' | 'open' | 'half_open';
  failure_count: number;
  last_failure_time: string | null;
  opened_at: string | null;
  calls: number;
  failures: number;
  rejections: number;
}

/** One connector in `GET /webhooks/health`, in the runbook's shape plus `kind` and `source` details. */
export interface ConnectorHealth {
  name: string;
  kind: string;
  status: string;
  stats: Record<string, unknown>;
  circuit_breaker: BreakerStats['state'];
  source?: Record<string, unknown>;
  /**
   * Seconds from the newest source change time this process's workers committed for the connector to now; null before
   * the first (issue 14). Per process: in Redis mode each instance knows only its own workers' commits.
   */
  freshness_lag_seconds?: number | null;
}

/** The queue in health: the last sizes read (absent before the first), the supervisor's latch, state and error. */
export type QueueHealth = Partial<QueueStats> & {
  /** `flowing`, `backpressure`, `unreachable` (no answer, or no reading for too long), `error` (answered with an error), `unknown`. */
  state: string;
  error: string | null;
  /** When the queue last answered or failed (ISO 8601), null before the first check. */
  checked_at: string | null;
};

/** `GET /webhooks/health`: the runbook's shape, with the queue, workers and the reasons for a non-healthy status. */
export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  connectors: ConnectorHealth[];
  queue: QueueHealth | null;
  workers: { id: string; status: string; stats: Record<string, unknown> }[];
  reasons: string[];
}

/** Why a connector whose last poll failed is not healthy; one that never synced says so, as it has nothing indexed. */
function pollFailureReason(name: string, lastSync: string | null, error: string): string {
  return lastSync === null ? `connector ${name} has never completed a sync: ${error}` : `connector ${name}: last poll failed: ${error}`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** How old the monitor's last word on the queue may be before health says unreachable (ms). */
export const QUEUE_READING_STALE_MS = 5000;

/** The queue as readers see it: the supervisor's state and latch, with a reading too old counted as unreachable. */
export interface QueueView {
  state: string;
  error: string | null;
  /** The supervisor's backpressure latch (its `queue` region is in `backpressure`). */
  backpressure: boolean;
  stats: QueueStats | null;
  checkedAt: number | null;
}

/**
 * Reads the queue region of the supervisor's snapshot at time `now`. The monitor's readings carry their time: when the
 * last one is older than `staleAfterMs` (the monitor is stuck or gone), the queue counts as unreachable whatever the
 * last reading said, so a hung store shows even if no timeout fired.
 */
export function queueViewOf(manager: SnapshotFrom<typeof connectorManagerMachine>, now: number, staleAfterMs = QUEUE_READING_STALE_MS): QueueView {
  const { queueStats, queueError, queueCheckedAt } = manager.context;
  const machineState = String((manager.value as { queue: string }).queue);
  const backpressure = machineState === 'backpressure';
  const stats = queueStats ? { ...queueStats, backpressure } : null;
  const age = queueCheckedAt === null ? 0 : now - queueCheckedAt;
  if (machineState !== 'unknown' && age > staleAfterMs) {
    const error = `no reading from the queue for ${(age / 1000).toFixed(1)} s (a probe is stuck or the monitor is down)`;
    return { state: 'unreachable', error, backpressure, stats, checkedAt: queueCheckedAt };
  }
  return { state: machineState, error: queueError, backpressure, stats, checkedAt: queueCheckedAt };
}

/** Wire form of a breaker snapshot. */
export function breakerStatsOf(snapshot: SnapshotFrom<typeof circuitBreakerMachine>): BreakerStats {
  const c = snapshot.context;
  const state = typeof snapshot.value === 'string' ? snapshot.value : 'half_open';
  return {
    state: state as BreakerStats['state'],
    failure_count: c.failureCount,
    last_failure_time: iso(c.lastFailureTime),
    opened_at: iso(c.openedAt),
    calls: c.calls,
    failures: c.failures,
    rejections: c.rejections,
  };
}

/**
 * Builds the health report from the supervisor's snapshot and its children's, plus how each connector's last poll
 * ended (`lastPollOf`): a connector whose last poll failed is degraded even while its breaker is still closed.
 * `freshnessLagOf` gives each connector's `freshness_lag_seconds` (null when unknown).
 */
export function healthReportOf(
  manager: SnapshotFrom<typeof connectorManagerMachine>,
  sourceDetails: (name: string) => Record<string, unknown> | undefined,
  lastPollOf: (name: string) => LastPoll | undefined = () => undefined,
  queue: QueueView = queueViewOf(manager, manager.context.queueCheckedAt ?? 0),
  freshnessLagOf: (name: string) => number | null = () => null,
): HealthReport {
  const reasons: string[] = [];
  const connectors: ConnectorHealth[] = [];
  for (const spec of manager.context.connectors) {
    const child = manager.children[spec.name] as { getSnapshot(): SnapshotFrom<typeof connectorMachine> } | undefined;
    if (!child) {
      reasons.push(`connector ${spec.name} is restarting after a crash`);
      connectors.push({ name: spec.name, kind: spec.kind, status: 'restarting', stats: {}, circuit_breaker: 'closed', freshness_lag_seconds: freshnessLagOf(spec.name) });
      continue;
    }
    const snapshot = child.getSnapshot();
    const breaker = snapshot.children.breaker as { getSnapshot(): SnapshotFrom<typeof circuitBreakerMachine> } | undefined;
    const breakerState = breaker ? breakerStatsOf(breaker.getSnapshot()).state : 'closed';
    const status = String(snapshot.value);
    if (breakerState !== 'closed') reasons.push(`circuit breaker of ${spec.name} is ${breakerState}`);
    if (status === 'degraded' && breakerState === 'closed') reasons.push(`connector ${spec.name} is degraded: ${snapshot.context.stats.last_error}`);
    if (status === 'rate_limited') reasons.push(`connector ${spec.name} is rate limited until ${snapshot.context.stats.rate_limited_until}`);
    // Rate limits and permanent failures already give their error above.
    const explained = status === 'rate_limited' || (status === 'degraded' && breakerState === 'closed');
    const lastPoll = lastPollOf(spec.name);
    if (lastPoll && !lastPoll.ok && !explained) reasons.push(pollFailureReason(spec.name, snapshot.context.stats.last_sync, lastPoll.error));
    connectors.push({
      name: spec.name,
      kind: spec.kind,
      status,
      stats: { ...snapshot.context.stats },
      circuit_breaker: breakerState,
      source: sourceDetails(spec.name),
      freshness_lag_seconds: freshnessLagOf(spec.name),
    });
  }
  const workers = Object.entries(manager.children)
    .filter(([id]) => id.startsWith('worker-'))
    .map(([id, ref]) => {
      const snapshot = (ref as { getSnapshot(): SnapshotFrom<typeof workerMachine> }).getSnapshot();
      const status = String(snapshot.value);
      if (status === 'backing_off') reasons.push(`worker ${id} is backing off: ${snapshot.context.stats.last_error ?? 'store or queue unavailable'}`);
      return { id, status, stats: { ...snapshot.context.stats } };
    });
  if (queue.backpressure) reasons.push('ingestion queue is under backpressure: polling paused');
  if (queue.state === 'unknown') reasons.push('ingestion queue not checked yet');
  const unreachable = queue.state === 'unreachable';
  if (unreachable) reasons.push(`ingestion queue unreachable: ${queue.error ?? 'no answer'}`);
  // Reachable but answering with an error (a script error): every instance shares it, so taking this one out of the
  // load balancer would not help; degraded, with the store's message.
  if (queue.state === 'error') reasons.push(`ingestion queue error: ${queue.error ?? 'unknown error'}`);
  return {
    status: unreachable ? 'unhealthy' : reasons.length > 0 ? 'degraded' : 'healthy',
    connectors,
    queue: queue.state === 'unknown' && !queue.stats ? null : { ...queue.stats, state: queue.state, error: queue.error, checked_at: iso(queue.checkedAt) },
    workers,
    reasons,
  };
}

/**
 * The report with every string scrubbed of secrets (`last_error`, reasons, the queue's error, source details): those
 * texts come from upstream answers, and issue 13 found a GitHub 401 that echoed the token into health. Applied where
 * a report leaves the process (the HTTP API, the inspector page), so the pure machines keep the raw text.
 */
export function redactHealthReport(report: HealthReport, scrub: SecretScrubber): HealthReport {
  return scrubDeep(report, scrub) as HealthReport;
}
