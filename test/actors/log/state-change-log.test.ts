import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import { createLogger } from '../../../src/actors/log/logger.ts';
import { createStateChangeLog } from '../../../src/actors/system/log-state-changes.ts';
import { type ConnectorInput, connectorMachine, type PollInput, type PollOutcome } from '../../../src/machines/connector.machine.ts';
import { connectorManagerMachine } from '../../../src/machines/connector-manager.machine.ts';
import { type BatchOutcome, type ClaimedBatch, workerMachine } from '../../../src/machines/worker.machine.ts';
import type { QueueStats } from '../../../src/model/queue-stats.ts';

const T0 = 1_700_000_000_000;

interface LogLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

/** A state-change log writing into an array. */
function capture() {
  const raw: string[] = [];
  const logger = createLogger({ level: 'info', secrets: [], destination: { write: (line: string) => raw.push(line) } });
  const lines = () => raw.map((line) => JSON.parse(line) as LogLine);
  return { inspect: createStateChangeLog(logger), lines, messages: () => lines().map((l) => `${l.level} ${l.message}`) };
}

const connectorInput: ConnectorInput = {
  name: 'github',
  kind: 'github',
  pollIntervalMs: 60_000,
  maxRetries: 3,
  backoffBaseMs: 1_000,
  maxBufferedWebhooks: 3,
  webhookDebounceMs: 250,
  breaker: { enabled: true, failureThreshold: 3, timeoutMs: 30_000 },
  restarts: 0,
};

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the state-change log', () => {
  it('logs a rate limit with when it ends, and the recovery once the next poll succeeds', async () => {
    const { inspect, lines, messages } = capture();
    const rateLimited = Object.assign(new Error('API rate limit exceeded'), { code: 'RATE_LIMITED', retryAfterMs: 5_000, resumeAt: '2023-11-14T22:13:25.000Z' });
    let calls = 0;
    const poll = fromPromise<PollOutcome, PollInput>(async () => {
      calls++;
      if (calls === 1) throw rateLimited;
      return { received: 0, queued: 0, syncedAt: new Date().toISOString() };
    });
    const actor = createActor(connectorMachine.provide({ actors: { poll } }), { input: connectorInput, systemId: 'connector:github', inspect });
    actor.start();
    actor.send({ type: 'START' });
    await settle();
    expect(messages()).toEqual(['warn connector rate limited: polling paused']);
    expect(lines()[0]).toMatchObject({ connector: 'github', until: '2023-11-14T22:13:25.000Z', wait_ms: 5_000, error: { message: 'API rate limit exceeded' } });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(messages()).toEqual(['warn connector rate limited: polling paused', 'info connector recovered']);
    expect(lines()[1]).toMatchObject({ connector: 'github', was: 'rate_limited' });
    actor.stop();
  });

  it('logs a poll that found the queue unreachable once per outage, however often the next polls find it down', async () => {
    const { inspect, lines, messages } = capture();
    const queueDown = Object.assign(new Error('ingestion queue is unreachable: Connection is closed'), { code: 'QUEUE_UNAVAILABLE' });
    let down = true;
    const poll = fromPromise<PollOutcome, PollInput>(async () => {
      if (down) throw queueDown;
      return { received: 0, queued: 0, syncedAt: new Date().toISOString() };
    });
    const actor = createActor(connectorMachine.provide({ actors: { poll } }), { input: connectorInput, systemId: 'connector:github', inspect });
    actor.start();
    actor.send({ type: 'START' });
    await settle();
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
    expect(messages()).toEqual(['warn poll found the queue unreachable; polling again when it answers']);
    expect(lines()[0]).toMatchObject({ connector: 'github', retry_in_ms: 1_000, error: { message: queueDown.message } });
    down = false;
    actor.send({ type: 'QUEUE_REACHABLE' });
    await settle();
    down = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(messages()).toEqual(['warn poll found the queue unreachable; polling again when it answers', 'warn poll found the queue unreachable; polling again when it answers']);
    actor.stop();
  });

  it('logs a permanent failure as degraded once, however often the hourly re-check fails', async () => {
    const { inspect, lines, messages } = capture();
    const poll = fromPromise<PollOutcome, PollInput>(async () => {
      throw Object.assign(new Error('Bad credentials'), { code: 'SOURCE_PERMANENT' });
    });
    const actor = createActor(connectorMachine.provide({ actors: { poll } }), { input: connectorInput, systemId: 'connector:github', inspect });
    actor.start();
    actor.send({ type: 'START' });
    await settle();
    await vi.advanceTimersByTimeAsync(3 * connectorInput.pollIntervalMs);
    expect(messages()).toEqual(['warn connector degraded: polling paused']);
    expect(lines()[0]).toMatchObject({ connector: 'github', reason: 'Bad credentials', error: { type: 'Error', message: 'Bad credentials' } });
    actor.stop();
  });

  it('logs a worker backing off after an outage and resuming', async () => {
    const { inspect, lines, messages } = capture();
    let claims = 0;
    const claim = fromPromise<ClaimedBatch, { batchSize: number; waitMs: number }>(async () => {
      claims++;
      if (claims === 1) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      await new Promise((r) => setTimeout(r, 1_000));
      return { size: 0, items: [] };
    });
    const processBatch = fromPromise<BatchOutcome, ClaimedBatch>(async () => ({ processed: 0, retried: 0, deadLettered: 0 }));
    const input = { id: 'worker-0', batchSize: 10, claimWaitMs: 1_000, backoffBaseMs: 500, backoffMaxMs: 30_000 };
    const actor = createActor(workerMachine.provide({ actors: { claim, processBatch } }), { input, systemId: 'worker:worker-0', inspect });
    actor.start();
    await settle();
    expect(messages()).toEqual(['warn worker backing off: store or queue unavailable']);
    expect(lines()[0]).toMatchObject({ worker: 'worker-0', consecutive_outages: 1, error: { message: 'connect ECONNREFUSED 127.0.0.1:6379' } });
    await vi.advanceTimersByTimeAsync(500);
    expect(messages()).toEqual(['warn worker backing off: store or queue unavailable', 'info worker resumed']);
    // Idle claims that find nothing change no state worth a line.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(messages()).toHaveLength(2);
    actor.stop();
  });

  it('logs backpressure on and off, and an unreachable queue and its return, once each', async () => {
    const { inspect, lines, messages } = capture();
    // The test plays the queue monitor: it sends the stats itself.
    const queueMonitor = fromCallback(() => {});
    const actor = createActor(connectorManagerMachine.provide({ actors: { queueMonitor } }), {
      systemId: 'connector-manager',
      inspect,
      input: {
        connectors: [],
        workers: { batchSize: 10, claimWaitMs: 1_000, backoffBaseMs: 500, backoffMaxMs: 30_000 },
        workerCount: 0,
        backpressure: { onPct: 80, offPct: 50 },
        restartBaseMs: 1_000,
      },
    });
    actor.start();
    const stats = (size: number): QueueStats => ({ queue_name: 'q', size, max_size: 100, usage_pct: size, backpressure: size >= 80 });
    for (const size of [10, 85, 90, 60, 40, 30]) actor.send({ type: 'QUEUE_STATS', stats: stats(size) });
    actor.send({ type: 'QUEUE_UNREACHABLE', error: 'Connection is closed.' });
    actor.send({ type: 'QUEUE_UNREACHABLE', error: 'Connection is closed.' });
    actor.send({ type: 'QUEUE_STATS', stats: stats(5) });
    expect(messages()).toEqual([
      'warn queue backpressure on: polling paused',
      'info queue backpressure off: polling resumed',
      'warn ingestion queue unreachable',
      'info ingestion queue reachable again',
    ]);
    expect(lines()[0]).toMatchObject({ size: 85, max_size: 100, usage_pct: 85 });
    expect(lines()[1]).toMatchObject({ usage_pct: 40 });
    expect(lines()[2]).toMatchObject({ error: 'Connection is closed.' });
    actor.stop();
  });
});
