import { collectDefaultMetrics, Registry } from 'prom-client';
import { breakerMetrics } from './breaker-metrics.ts';
import { connectorMetrics } from './connector-metrics.ts';
import { type CommitSource, freshnessLagMetric, registerFreshnessHistograms } from './freshness-metrics.ts';
import { queueMetrics } from './queue-metrics.ts';
import { registerReadingMetric } from './reading-metric.ts';
import { createScrapeReading, type ScrapeSource } from './scrape-reading.ts';
import { createWebhookDeliveryMetrics, type WebhookDeliveryMetrics } from './webhook-delivery-metrics.ts';
import { workerMetrics } from './worker-metrics.ts';

/** One app's metrics: its own registry (tests run several apps in one process) and what the routes count. */
export interface InletMetrics {
  registry: Registry;
  webhookDeliveries: WebhookDeliveryMetrics;
  /** The registry in Prometheus text format (`registry.contentType`), Node's default metrics started by the first call. */
  scrape(): Promise<string>;
}

/**
 * The metrics of `GET /metrics` (issue 14): Node's default metrics and inlet's own, every name prefixed `inlet_`.
 * Connector, breaker, queue and worker metrics are read from the health report at scrape time (`collect()`), so the
 * machines stay free of prom-client and nothing new is counted twice; only webhook outcomes and the freshness
 * histograms (from the workers' commit notices, when `source` gives them) are counted as they happen.
 */
export function createInletMetrics(source: ScrapeSource & Partial<CommitSource>): InletMetrics {
  const registry = new Registry();
  const read = createScrapeReading(source);
  for (const metric of [...connectorMetrics, ...breakerMetrics, ...queueMetrics, ...workerMetrics, freshnessLagMetric]) registerReadingMetric(registry, read, metric);
  if (source.onCommitted) registerFreshnessHistograms(registry, { onCommitted: (listener) => source.onCommitted!(listener) });
  let defaultsStarted = false;
  return {
    registry,
    webhookDeliveries: createWebhookDeliveryMetrics(registry),
    scrape() {
      // Lazily: the defaults hold a GC observer and an event-loop monitor per registry for good, and most apps (tests)
      // are never scraped. The rule is that every name starts with `inlet_`, so the defaults get the prefix too.
      if (!defaultsStarted) collectDefaultMetrics({ register: registry, prefix: 'inlet_' });
      defaultsStarted = true;
      return registry.metrics();
    },
  };
}
