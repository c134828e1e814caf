import type { BreakerStats, HealthReport } from '../system/health-report.ts';

/** What one scrape reads from the running service: the health report and each running breaker's stats. */
export interface ScrapeReading {
  health: HealthReport;
  /** Breaker stats by connector name; a connector restarting after a crash has none. */
  breakers: Map<string, BreakerStats>;
}

/** The calls a scrape makes; `ConnectorManager` satisfies it. */
export interface ScrapeSource {
  health(): Promise<HealthReport>;
  connector(name: string): { circuitBreaker: { getStats(): BreakerStats } } | undefined;
}

/**
 * Reads the service once per scrape, however many metrics ask. prom-client starts every metric's `collect()` in one
 * synchronous loop (`Registry.metrics()`), so all of them join the first read; the next scrape reads afresh. The health
 * report answers from the supervisor's snapshot and the queue monitor's last reading: a scrape adds no Redis round trip.
 */
export function createScrapeReading(source: ScrapeSource): () => Promise<ScrapeReading> {
  let pending: Promise<ScrapeReading> | undefined;
  const read = async (): Promise<ScrapeReading> => {
    const health = await source.health();
    const breakers = new Map<string, BreakerStats>();
    for (const { name } of health.connectors) {
      try {
        const stats = source.connector(name)?.circuitBreaker.getStats();
        if (stats) breakers.set(name, stats);
      } catch {
        // Restarting after a crash: its breaker is not running, and health already says `restarting`.
      }
    }
    return { health, breakers };
  };
  return () => {
    pending ??= read().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
