import { Histogram, type Registry } from 'prom-client';
import type { CommitListener, CommitNotice } from '../worker/commit-notices.ts';
import type { ReadingMetric, Sample } from './reading-metric.ts';

/**
 * Seconds, from a file save seen at once (tens of ms) through a debounced webhook (~0.3 s) and a timed poll (minutes),
 * to the 600 s past which nothing is fresh; 60 is a bound, as the InletSlowFreshness alert's p95 threshold.
 */
export const FRESHNESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Where commit notices come from: `ConnectorManager.onCommitted`. */
export interface CommitSource {
  onCommitted(listener: CommitListener): () => void;
}

/** Seconds from `fromIso` to `toMs`, or undefined when `fromIso` is absent or no time. */
function secondsSince(fromIso: string | undefined, toMs: number): number | undefined {
  const from = fromIso === undefined ? Number.NaN : Date.parse(fromIso);
  // Another host's clock (Redis mode, a source's own time) may run ahead: a negative span is skew, counted as 0.
  return Number.isFinite(from) ? Math.max(0, toMs - from) / 1000 : undefined;
}

/**
 * Registers the freshness histograms (issue 14) and observes them as the workers commit, not at scrape time: a
 * histogram needs each event. Labels are the event's connector name and its trigger (an enum the queue's schema checks),
 * so no delivery or path can add series. Events an older version queued carry no `seenAt` and are left out.
 */
export function registerFreshnessHistograms(registry: Registry, commits: CommitSource): void {
  const changeToSearchable = new Histogram({
    name: 'inlet_change_to_searchable_seconds',
    help: 'Seconds from when inlet saw a change (webhook delivery arrival, watcher notice, or the poll that found it) to both stores committing it; upserts.',
    labelNames: ['connector', 'trigger'],
    buckets: FRESHNESS_BUCKETS,
    registers: [registry],
  });
  const sourceChangeToSearchable = new Histogram({
    name: 'inlet_source_change_to_searchable_seconds',
    help: "Seconds from the source's own change time (commit time, last_edited_time, version.when, file mtime) to both stores committing it; upserts.",
    labelNames: ['connector'],
    buckets: FRESHNESS_BUCKETS,
    registers: [registry],
  });
  const deleteToGone = new Histogram({
    name: 'inlet_delete_to_gone_seconds',
    help: 'Seconds from when inlet saw a delete to both stores having removed the document.',
    labelNames: ['connector'],
    buckets: FRESHNESS_BUCKETS,
    registers: [registry],
  });
  const observe = ({ events, committedAt }: CommitNotice) => {
    for (const event of events) {
      const connector = event.source;
      const seen = secondsSince(event.seenAt, committedAt);
      if (event.kind === 'delete') {
        if (seen !== undefined) deleteToGone.observe({ connector }, seen);
        continue;
      }
      if (seen !== undefined && event.trigger !== undefined) changeToSearchable.observe({ connector, trigger: event.trigger }, seen);
      const sourceSeconds = secondsSince(event.updatedAt, committedAt);
      if (sourceSeconds !== undefined) sourceChangeToSearchable.observe({ connector }, sourceSeconds);
    }
  };
  commits.onCommitted(observe);
}

/** `inlet_freshness_lag_seconds{connector}`, read from health at scrape time: no series before a connector's first commit. */
export const freshnessLagMetric: ReadingMetric = {
  type: 'gauge',
  name: 'inlet_freshness_lag_seconds',
  help: "Seconds from the newest source change time this process's workers committed for the connector to now (per process).",
  labelNames: ['connector'],
  samples: ({ health }) =>
    health.connectors.flatMap((c): Sample[] => (typeof c.freshness_lag_seconds === 'number' ? [{ labels: { connector: c.name }, value: c.freshness_lag_seconds }] : [])),
};
