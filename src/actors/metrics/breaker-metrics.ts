import type { BreakerStats } from '../system/health-report.ts';
import type { ReadingMetric, Sample } from './reading-metric.ts';
import { stateSetSamples } from './reading-metric.ts';

/** A breaker's states (src/machines/circuit-breaker.machine.ts, in wire form). */
export const BREAKER_STATES: readonly BreakerStats['state'][] = ['closed', 'open', 'half_open'];

const labelNames = ['connector', 'kind'];

/** One series per running breaker, from its stats; `kind` comes from the connector's health entry. */
function perBreaker(value: (stats: BreakerStats) => number | null): ReadingMetric['samples'] {
  return ({ health, breakers }) =>
    health.connectors.flatMap((c): Sample[] => {
      const stats = breakers.get(c.name);
      const v = stats ? value(stats) : null;
      return v === null ? [] : [{ labels: { connector: c.name, kind: c.kind }, value: v }];
    });
}

/** The circuit breakers' metrics, one breaker per connector. */
export const breakerMetrics: ReadingMetric[] = [
  {
    type: 'gauge',
    name: 'inlet_breaker_state',
    help: "Circuit breaker state as a state set: 1 for the current state (closed, open, half_open), 0 for the others.",
    labelNames: [...labelNames, 'state'],
    // From health, so a connector restarting after a crash still has a series (its breaker restarts closed).
    samples: ({ health }) => health.connectors.flatMap((c) => stateSetSamples({ connector: c.name, kind: c.kind }, 'state', BREAKER_STATES, c.circuit_breaker)),
  },
  {
    type: 'gauge',
    name: 'inlet_breaker_opened_timestamp_seconds',
    help: 'When the breaker opened (Unix time), while it is open or half open; absent while closed.',
    labelNames,
    samples: perBreaker((s) => (s.opened_at === null ? null : Date.parse(s.opened_at) / 1000)),
  },
  {
    type: 'counter',
    name: 'inlet_breaker_calls_total',
    help: 'Calls to the source that went through the breaker.',
    labelNames,
    samples: perBreaker((s) => s.calls),
  },
  {
    type: 'counter',
    name: 'inlet_breaker_failures_total',
    help: 'Calls through the breaker that failed (the ones that count toward opening it).',
    labelNames,
    samples: perBreaker((s) => s.failures),
  },
  {
    type: 'counter',
    name: 'inlet_breaker_rejections_total',
    help: 'Calls the open breaker refused without reaching the source.',
    labelNames,
    samples: perBreaker((s) => s.rejections),
  },
];
