import type { IngestionQueue } from '../queue/ingestion-queue.ts';
import type { BreakerStats, HealthReport } from '../system/health-report.ts';
import type { PollCounts } from '../system/poll-outcomes.ts';

/** What one scrape reads from the running service: the health report, breaker stats, poll counts, the dead letters. */
export interface ScrapeReading {
  health: HealthReport;
  /** Breaker stats by connector name; a connector restarting after a crash has none. */
  breakers: Map<string, BreakerStats>;
  /** Finished polls by outcome, by connector name. */
  polls: Map<string, PollCounts>;
  /** Dead letters in the queue; null when the queue did not answer in time (the gauge then has no series). */
  deadLetters: number | null;
}

/** The calls a scrape makes; `ConnectorManager` satisfies it (its `queue` is readable once `health()` has started it). */
export interface ScrapeSource {
  health(): Promise<HealthReport>;
  connector(name: string): { circuitBreaker: { getStats(): BreakerStats } } | undefined;
  pollCounts(name: string): PollCounts;
  readonly queue: Pick<IngestionQueue, 'countDeadLetters'>;
}

/** How long a scrape waits for the dead-letter count before leaving that gauge out (ms): a hung queue must not hang /metrics. */
export const DEAD_LETTER_COUNT_TIMEOUT_MS = 1000;

/** The dead-letter count, or null when the queue fails or takes longer than `timeoutMs`. */
async function countDeadLetters(source: ScrapeSource, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const count = Promise.resolve().then(() => source.queue.countDeadLetters());
    return await Promise.race([count.catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads the service once per scrape, however many metrics ask. prom-client starts every metric's `collect()` in one
 * synchronous loop (`Registry.metrics()`), so all of them join the first read; the next scrape reads afresh. The health
 * report answers from the supervisor's snapshot and the queue monitor's last reading; the one round trip a scrape adds
 * is the dead-letter count (an LLEN on Redis), which the monitor's sizes do not carry: they keep the runbook's shape.
 */
export function createScrapeReading(source: ScrapeSource, timeoutMs = DEAD_LETTER_COUNT_TIMEOUT_MS): () => Promise<ScrapeReading> {
  let pending: Promise<ScrapeReading> | undefined;
  const read = async (): Promise<ScrapeReading> => {
    const health = await source.health();
    const deadLetters = countDeadLetters(source, timeoutMs);
    const breakers = new Map<string, BreakerStats>();
    const polls = new Map<string, PollCounts>();
    for (const { name } of health.connectors) {
      polls.set(name, source.pollCounts(name));
      try {
        const stats = source.connector(name)?.circuitBreaker.getStats();
        if (stats) breakers.set(name, stats);
      } catch {
        // Restarting after a crash: its breaker is not running, and health already says `restarting`.
      }
    }
    return { health, breakers, polls, deadLetters: await deadLetters };
  };
  return () => {
    pending ??= read().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
