import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import { healthReportOf, queueViewOf } from '../../../src/actors/system/health-report.ts';
import { PollOutcomes } from '../../../src/actors/system/poll-outcomes.ts';
import { connectorMachine, type PollInput, type PollOutcome } from '../../../src/machines/connector.machine.ts';
import { connectorManagerMachine } from '../../../src/machines/connector-manager.machine.ts';

const T0 = 1_700_000_000_000;
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A supervisor with one connector whose polls the test answers one by one. */
function startSupervisor() {
  const answers: { resolve(outcome: PollOutcome): void; reject(error: Error): void }[] = [];
  const poll = fromPromise<PollOutcome, PollInput>(() => new Promise((resolve, reject) => answers.push({ resolve, reject })));
  const outcomes = new PollOutcomes();
  const actor = createActor(
    connectorManagerMachine.provide({ actors: { connector: connectorMachine.provide({ actors: { poll } }), queueMonitor: fromCallback(() => {}) } }),
    {
      systemId: 'connector-manager',
      inspect: outcomes.observe,
      input: {
        connectors: [
          {
            name: 'github',
            kind: 'github',
            pollIntervalMs: 60_000,
            maxRetries: 1,
            backoffBaseMs: 1_000,
            maxBufferedWebhooks: 10,
            webhookDebounceMs: 250,
            breaker: { enabled: true, failureThreshold: 10, timeoutMs: 30_000 },
          },
        ],
        workers: { batchSize: 10, claimWaitMs: 1_000, backoffBaseMs: 500, backoffMaxMs: 30_000 },
        workerCount: 0,
        backpressure: { onPct: 80, offPct: 50 },
        restartBaseMs: 1_000,
      },
    },
  );
  actor.start();
  actor.send({ type: 'QUEUE_STATS', stats: { queue_name: 'q', size: 0, max_size: 100, usage_pct: 0 } });
  actor.send({ type: 'START_POLLING' });
  const health = () => healthReportOf(actor.getSnapshot(), () => undefined, (name) => outcomes.of(name));
  const answer = async (how: { ok: true } | { error: string }) => {
    const next = answers.shift();
    if (!next) throw new Error('no poll is waiting for an answer');
    if ('ok' in how) next.resolve({ received: 0, queued: 0, syncedAt: new Date().toISOString() });
    else next.reject(new Error(how.error));
    await settle();
  };
  return { actor, health, answer };
}

describe('health of a connector by its last poll', () => {
  it('is healthy while the first poll is still running without failures', async () => {
    const { actor, health } = startSupervisor();
    await settle();
    expect(health().connectors[0].status).toBe('polling');
    expect(health()).toMatchObject({ status: 'healthy', reasons: [] });
    actor.stop();
  });

  it('is degraded once a poll failed, even back in idle with the breaker closed, until a poll succeeds', async () => {
    const { actor, health, answer } = startSupervisor();
    await settle();
    await answer({ ok: true });
    expect(health()).toMatchObject({ status: 'healthy', reasons: [] });

    await vi.advanceTimersByTimeAsync(60_000);
    await answer({ error: 'HTTP 502 from api.github.com' });
    expect(health().connectors[0].status).toBe('retrying');
    expect(health()).toMatchObject({ status: 'degraded', reasons: ['connector github: last poll failed: HTTP 502 from api.github.com'] });

    await vi.advanceTimersByTimeAsync(1_000);
    await answer({ error: 'HTTP 503 from api.github.com' });
    // Retries used up: back in idle until the next interval, which looks like any healthy connector's snapshot.
    expect(health().connectors[0]).toMatchObject({ status: 'idle', circuit_breaker: 'closed' });
    expect(health()).toMatchObject({ status: 'degraded', reasons: ['connector github: last poll failed: HTTP 503 from api.github.com'] });

    await vi.advanceTimersByTimeAsync(60_000);
    await answer({ ok: true });
    expect(health()).toMatchObject({ status: 'healthy', reasons: [] });
    actor.stop();
  });

  it('says a connector that failed before its first sync has never completed one', async () => {
    const { actor, health, answer } = startSupervisor();
    await settle();
    await answer({ error: 'Bad gateway' });
    expect(health().reasons).toEqual(['connector github has never completed a sync: Bad gateway']);
    actor.stop();
  });
});

describe('health: the queue reading', () => {
  it('counts a reading older than the limit as unreachable, and reports the supervisor latch as backpressure', () => {
    const { actor } = startSupervisor();
    actor.send({ type: 'QUEUE_STATS', stats: { queue_name: 'q', size: 90, max_size: 100, usage_pct: 90 }, at: T0 });
    const fresh = queueViewOf(actor.getSnapshot(), T0 + 5000, 5000);
    expect(fresh).toMatchObject({ state: 'backpressure', backpressure: true, error: null, checkedAt: T0 });
    expect(fresh.stats).toEqual({ queue_name: 'q', size: 90, max_size: 100, usage_pct: 90, backpressure: true });
    const stale = queueViewOf(actor.getSnapshot(), T0 + 5001, 5000);
    expect(stale.state).toBe('unreachable');
    expect(stale.error).toMatch(/^no reading from the queue for 5\.0 s/);
    const report = healthReportOf(actor.getSnapshot(), () => undefined, undefined, stale);
    expect(report.status).toBe('unhealthy');
    expect(report.queue).toMatchObject({ state: 'unreachable', backpressure: true, size: 90, checked_at: new Date(T0).toISOString() });
  });

  it('shows a queue that answers with an error as degraded, with the message in queue.error and the reasons', () => {
    const { actor } = startSupervisor();
    actor.send({ type: 'QUEUE_ERROR', error: 'WRONGTYPE Operation against a key holding the wrong kind of value', at: T0 });
    const report = healthReportOf(actor.getSnapshot(), () => undefined, undefined, queueViewOf(actor.getSnapshot(), T0));
    expect(report.status).toBe('degraded');
    expect(report.queue).toMatchObject({ state: 'error', error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(report.reasons).toContain('ingestion queue error: WRONGTYPE Operation against a key holding the wrong kind of value');
  });
});
