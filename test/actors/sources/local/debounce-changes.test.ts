import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { createChangeDebouncer } from '../../../../src/actors/sources/local/debounce-changes.ts';
import { type ConnectorInput, connectorMachine, type PollInput, type PollOutcome } from '../../../../src/machines/connector.machine.ts';

const T0 = 1_700_000_000_000;
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

const timings = { waitMs: 150, maxWaitMs: 2000 };

describe('the file watcher debounce', () => {
  it('hands a burst over once the folder is quiet for the wait', () => {
    const flushes: number[] = [];
    const debouncer = createChangeDebouncer(timings, () => flushes.push(Date.now() - T0));
    debouncer.signal();
    vi.advanceTimersByTime(100);
    debouncer.signal();
    vi.advanceTimersByTime(149);
    expect(flushes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(flushes).toEqual([250]);
    vi.advanceTimersByTime(10_000);
    expect(flushes).toEqual([250]);
  });

  it('under continuous writes still hands changes over every max_debounce, not only when the writes stop', () => {
    const flushes: number[] = [];
    const debouncer = createChangeDebouncer(timings, () => flushes.push(Date.now() - T0));
    // A change every 100 ms for 10 s: the 150 ms quiet wait never passes.
    for (let t = 0; t < 10_000; t += 100) {
      debouncer.signal();
      vi.advanceTimersByTime(100);
    }
    expect(flushes).toEqual([2000, 4000, 6000, 8000, 10_000]);
    debouncer.stop();
  });

  it("hands over the time of the burst's first notice, when the change was seen", () => {
    const seen: number[] = [];
    const debouncer = createChangeDebouncer(timings, (firstNoticeAt) => seen.push(firstNoticeAt - T0));
    vi.advanceTimersByTime(1000);
    debouncer.signal();
    vi.advanceTimersByTime(100);
    debouncer.signal();
    vi.advanceTimersByTime(150);
    vi.advanceTimersByTime(500);
    debouncer.signal();
    vi.advanceTimersByTime(150);
    expect(seen).toEqual([1000, 1750]);
  });

  it('drops a pending hand-over when stopped', () => {
    const flush = vi.fn();
    const debouncer = createChangeDebouncer(timings, flush);
    debouncer.signal();
    debouncer.stop();
    vi.advanceTimersByTime(10_000);
    expect(flush).not.toHaveBeenCalled();
  });

  it("drives the connector to poll at least every 2 s under change signals every 100 ms for 10 s", async () => {
    const polls: number[] = [];
    const poll = fromPromise<PollOutcome, PollInput>(async () => {
      polls.push(Date.now() - T0);
      return { received: 0, queued: 0, syncedAt: new Date().toISOString() };
    });
    const input: ConnectorInput = {
      name: 'docs',
      kind: 'local',
      pollIntervalMs: 3_600_000,
      maxRetries: 3,
      backoffBaseMs: 1000,
      maxBufferedWebhooks: 10,
      webhookDebounceMs: 250,
      breaker: { enabled: true, failureThreshold: 3, timeoutMs: 30_000 },
      restarts: 0,
    };
    const actor = createActor(connectorMachine.provide({ actors: { poll } }), { input });
    actor.subscribe({ error: (error) => expect.unreachable(String(error)) });
    actor.start();
    actor.send({ type: 'START' });
    await vi.advanceTimersByTimeAsync(0);
    expect(polls).toEqual([0]); // the start-up poll
    // As ConnectorManager wires the watcher: each hand-over is a POLL_NOW.
    const debouncer = createChangeDebouncer(timings, () => actor.send({ type: 'POLL_NOW' }));
    for (let t = 0; t < 10_000; t += 100) {
      debouncer.signal();
      await vi.advanceTimersByTimeAsync(100);
    }
    const gaps = polls.slice(1).map((at, i) => at - polls[i]!);
    expect(polls.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2000);
    debouncer.stop();
    actor.stop();
  });
});
