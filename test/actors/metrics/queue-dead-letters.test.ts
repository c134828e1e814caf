import { describe, expect, it, vi } from 'vitest';
import { createInletMetrics, type ScrapeSource } from '../../../src/actors/metrics/index.ts';
import { DEAD_LETTER_COUNT_TIMEOUT_MS } from '../../../src/actors/metrics/scrape-reading.ts';
import type { HealthReport } from '../../../src/actors/system/health-report.ts';

const health: HealthReport = { status: 'healthy', connectors: [], queue: null, workers: [], reasons: [] };

/** A service with no connector whose queue answers `countDeadLetters` with `count`. */
const sourceWith = (count: () => Promise<number>): ScrapeSource => ({
  health: async () => health,
  connector: () => undefined,
  pollCounts: () => ({ done: 0, outage: 0, rate_limited: 0, auth: 0, bad_response: 0, queue: 0 }),
  queue: { countDeadLetters: count },
});

/** The `inlet_queue_dead_letters` line of a scrape, or undefined. */
const deadLettersLine = (text: string) => text.split('\n').find((line) => line.startsWith('inlet_queue_dead_letters '));

describe('inlet_queue_dead_letters', () => {
  it('shows the dead-letter count the queue gives at scrape time', async () => {
    let count = 3;
    const metrics = createInletMetrics(sourceWith(async () => count));
    expect(deadLettersLine(await metrics.registry.metrics())).toBe('inlet_queue_dead_letters 3');
    count = 4;
    expect(deadLettersLine(await metrics.registry.metrics())).toBe('inlet_queue_dead_letters 4');
  });

  it('leaves the gauge out when the queue fails, rather than reporting 0', async () => {
    const metrics = createInletMetrics(sourceWith(async () => Promise.reject(new Error('ECONNREFUSED'))));
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE inlet_queue_dead_letters gauge');
    expect(deadLettersLine(text)).toBeUndefined();
  });

  it('answers the scrape once DEAD_LETTER_COUNT_TIMEOUT_MS passed when the queue hangs, without the gauge', async () => {
    vi.useFakeTimers();
    try {
      const metrics = createInletMetrics(sourceWith(() => new Promise<number>(() => {})));
      let text: string | undefined;
      void metrics.registry.metrics().then((t) => {
        text = t;
      });
      await vi.advanceTimersByTimeAsync(DEAD_LETTER_COUNT_TIMEOUT_MS - 1);
      expect(text).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(text).toBeDefined();
      expect(deadLettersLine(text!)).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});
