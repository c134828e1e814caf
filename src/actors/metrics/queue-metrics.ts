import type { ReadingMetric, Sample } from './reading-metric.ts';
import { stateSetSamples } from './reading-metric.ts';

/** The queue states the supervisor reports (`QueueHealth.state`). */
export const QUEUE_STATES: readonly string[] = ['flowing', 'backpressure', 'unreachable', 'error', 'unknown'];

/** A number of the queue's last reading; no series before the first. */
function fromQueue(value: (queue: { size: number; max_size: number; usage_pct: number; backpressure: boolean }) => number): ReadingMetric['samples'] {
  return ({ health }): Sample[] => {
    const queue = health.queue;
    if (queue?.size === undefined || queue.max_size === undefined || queue.usage_pct === undefined) return [];
    return [{ labels: {}, value: value({ size: queue.size, max_size: queue.max_size, usage_pct: queue.usage_pct, backpressure: queue.backpressure ?? false }) }];
  };
}

/**
 * The ingestion queue's metrics, from the queue monitor's last reading as health holds it (not a new round trip), and
 * the dead-letter count read at scrape time. Processing, delayed counts and the oldest event's age are not here: the
 * queue port has no cheap call for them yet (issue 14).
 */
export const queueMetrics: ReadingMetric[] = [
  {
    type: 'gauge',
    name: 'inlet_queue_state',
    help: 'Ingestion queue state as a state set: flowing, backpressure, unreachable, error, unknown (not checked yet).',
    labelNames: ['state'],
    samples: ({ health }) => stateSetSamples({}, 'state', QUEUE_STATES, health.queue?.state ?? 'unknown'),
  },
  {
    type: 'gauge',
    name: 'inlet_queue_size',
    help: 'Events waiting in the ingestion queue at the last reading.',
    labelNames: [],
    samples: fromQueue((q) => q.size),
  },
  {
    type: 'gauge',
    name: 'inlet_queue_max_size',
    help: 'Waiting events past which enqueues are refused (queue.max_size).',
    labelNames: [],
    samples: fromQueue((q) => q.max_size),
  },
  {
    type: 'gauge',
    name: 'inlet_queue_usage_ratio',
    help: 'Queue size over max size, from 0 to 1.',
    labelNames: [],
    samples: fromQueue((q) => q.usage_pct / 100),
  },
  {
    type: 'gauge',
    name: 'inlet_queue_backpressure',
    help: "1 while the supervisor's backpressure latch holds polling paused, else 0.",
    labelNames: [],
    samples: fromQueue((q) => (q.backpressure ? 1 : 0)),
  },
  {
    type: 'gauge',
    name: 'inlet_queue_dead_letters',
    help: 'Events in the dead-letter list, waiting for an operator (GET /queue/dead-letters); absent when the queue did not answer.',
    labelNames: [],
    samples: ({ deadLetters }) => (deadLetters === null ? [] : [{ labels: {}, value: deadLetters }]),
  },
];
