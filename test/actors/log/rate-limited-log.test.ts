import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogFields } from '../../../src/actors/log/logger.ts';
import { createRateLimitedLog } from '../../../src/actors/log/rate-limited-log.ts';

function recording() {
  const lines: { message: string; fields?: LogFields }[] = [];
  const warn = (message: string, fields?: LogFields) => lines.push({ message, fields });
  return { lines, logger: { info: warn, warn, error: warn } };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('createRateLimitedLog', () => {
  it('writes one line per cause per interval, then one line with the count of the rest', () => {
    const { lines, logger } = recording();
    const log = createRateLimitedLog(logger, { intervalMs: 1000 });
    for (let i = 0; i < 500; i++) log.warn('auth refused', { client: '203.0.113.7' });
    log.warn('connection refused: too many');
    expect(lines).toEqual([
      { message: 'auth refused', fields: { client: '203.0.113.7', count: 1 } },
      { message: 'connection refused: too many', fields: { count: 1 } },
    ]);
    vi.advanceTimersByTime(1000);
    expect(lines.slice(2)).toEqual([{ message: 'auth refused', fields: { count: 499, suppressed: true, interval_ms: 1000 } }]);
    log.warn('auth refused');
    expect(lines).toHaveLength(4);
  });

  it('folds a flood of distinct causes into one', () => {
    const { lines, logger } = recording();
    const log = createRateLimitedLog(logger, { intervalMs: 1000, maxCauses: 2 });
    for (let i = 0; i < 100; i++) log.warn(`cause ${i}`);
    expect(lines.map((l) => l.message)).toEqual(['cause 0', 'cause 1', 'other anonymous-client causes']);
    log.flush();
    expect(lines.at(-1)).toEqual({ message: 'other anonymous-client causes', fields: { count: 97, suppressed: true, interval_ms: 1000 } });
    expect(vi.getTimerCount()).toBe(0);
  });
});
