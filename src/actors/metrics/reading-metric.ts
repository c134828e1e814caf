import { Counter, Gauge, type Registry } from 'prom-client';
import type { ScrapeReading } from './scrape-reading.ts';

/** One series of a metric: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** A metric whose series are rebuilt from each scrape's reading. */
export interface ReadingMetric {
  /** `counter` for totals the service keeps (they restart at 0 with their actor: Prometheus reads that as a reset). */
  type: 'counter' | 'gauge';
  name: string;
  help: string;
  labelNames: string[];
  samples(reading: ScrapeReading): Sample[];
}

/**
 * Registers `metric` with a `collect()` that clears its series and refills them from the scrape's reading, so a
 * connector gone from the config leaves no stale series. The service's own counters stay the one source of truth:
 * nothing in the machines or actors changes to feed Prometheus.
 */
export function registerReadingMetric(registry: Registry, read: () => Promise<ScrapeReading>, metric: ReadingMetric): void {
  const { name, help, labelNames, samples } = metric;
  if (metric.type === 'counter') {
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const reading = await read();
        this.reset();
        for (const sample of samples(reading)) this.inc(sample.labels, sample.value);
      },
    });
    return;
  }
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      const reading = await read();
      this.reset();
      // reset() gives a gauge without labels a 0 series; no sample must mean no series (a dead-letter count that could
      // not be read is not 0), or an alert on it would read the gap as a fall.
      if (labelNames.length === 0) this.remove({});
      for (const sample of samples(reading)) this.set(sample.labels, sample.value);
    },
  });
}

/** The series of a state set: 1 for `current`, 0 for every other state, so a query can match on the state label. */
export function stateSetSamples(labels: Record<string, string>, label: string, states: readonly string[], current: string): Sample[] {
  const all = states.includes(current) ? states : [...states, current];
  return all.map((state) => ({ labels: { ...labels, [label]: state }, value: state === current ? 1 : 0 }));
}
