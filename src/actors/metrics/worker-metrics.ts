import type { ReadingMetric, Sample } from './reading-metric.ts';

/** Worker stats by the outcome label they become (src/machines/worker.machine.ts `WorkerStats`). */
const OUTCOMES = { done: 'processed', retried: 'retried', dead: 'dead_lettered' } as const;

/**
 * The workers' metrics, summed over this process's workers: a worker id is not a useful label. A worker restarted after a
 * crash starts at 0 again; Prometheus reads the dip as a counter reset.
 */
export const workerMetrics: ReadingMetric[] = [
  {
    type: 'counter',
    name: 'inlet_worker_events_total',
    help: "Events this process's workers finished, by outcome: done (in both stores, acknowledged), retried, dead (dead-lettered).",
    labelNames: ['outcome'],
    samples: ({ health }) =>
      Object.entries(OUTCOMES).map(([outcome, stat]): Sample => {
        const value = health.workers.reduce((sum, w) => sum + (typeof w.stats[stat] === 'number' ? (w.stats[stat] as number) : 0), 0);
        return { labels: { outcome }, value };
      }),
  },
];
