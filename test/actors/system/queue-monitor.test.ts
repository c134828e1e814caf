import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, setup } from 'xstate';
import { createQueueMonitorLogic } from '../../../src/actors/queue/create-queue-monitor-logic.ts';
import type { IngestionQueue } from '../../../src/actors/queue/ingestion-queue.ts';
import { isConnectionFailure, QueueUnavailableError } from '../../../src/actors/queue/queue-errors.ts';
import type { ConnectorManagerEvent } from '../../../src/machines/connector-manager.machine.ts';
import type { QueueSizes } from '../../../src/model/queue-stats.ts';

const T0 = 1_700_000_000_000;
const SIZES: QueueSizes = { queue_name: 'q', size: 3, max_size: 100, usage_pct: 3 };

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** An error as ioredis makes it: a `name`, sometimes a Node socket `code`. */
function redisError(name: string, message: string, code?: string): Error {
  const error = new Error(message);
  error.name = name;
  if (code) Object.assign(error, { code });
  return error;
}

/** Runs the monitor against a fake queue whose answers the test chooses, collecting what it sends its parent. */
function runMonitor(getStats: () => Promise<QueueSizes>, reap: () => Promise<number> = async () => 0) {
  const sent: ConnectorManagerEvent[] = [];
  const logged: string[] = [];
  const queue = { getStats, reapExpiredLeases: reap } as unknown as IngestionQueue;
  const logic = createQueueMonitorLogic(queue, {
    intervalMs: 1000,
    probeTimeoutMs: 2000,
    logger: { info: (message) => void logged.push(`info ${message}`), error: (message) => void logged.push(`error ${message}`) },
  });
  // A parent that records what the monitor sends back.
  const parent = setup({ actors: { monitor: logic } }).createMachine({
    invoke: { src: 'monitor' },
    on: { '*': { actions: ({ event }) => void sent.push(event as ConnectorManagerEvent) } },
  });
  const actor = createActor(parent);
  actor.start();
  return { sent, logged, stop: () => actor.stop() };
}

describe('queue monitor', () => {
  it('sends sizes with the time of the reading', async () => {
    const { sent, stop } = runMonitor(async () => SIZES);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ type: 'QUEUE_STATS', stats: SIZES, at: T0 }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.at(-1)).toEqual({ type: 'QUEUE_STATS', stats: SIZES, at: T0 + 1000 });
    stop();
  });

  it('reports a read with no answer as unreachable at the probe timeout, and starts no second read meanwhile', async () => {
    let reads = 0;
    const { sent, stop } = runMonitor(() => {
      reads++;
      return new Promise<QueueSizes>(() => {});
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ type: 'QUEUE_UNREACHABLE', error: 'no answer from the queue within 2000 ms', at: T0 + 2000 }]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads).toBe(1);
    stop();
  });

  it.each([
    ['a refused connection', new QueueUnavailableError(redisError('Error', 'connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'))],
    ['a reset connection', new QueueUnavailableError(redisError('Error', 'read ECONNRESET', 'ECONNRESET'))],
    ['a command timeout', new QueueUnavailableError(new Error('Command timed out'))],
    ['a closed connection', new QueueUnavailableError(new Error('Connection is closed.'))],
    ['MaxRetriesPerRequestError', new QueueUnavailableError(redisError('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1).'))],
    ['the offline queue off', new QueueUnavailableError(new Error("Stream isn't writeable and enableOfflineQueue options is false"))],
  ])('reports %s as unreachable', async (_what, error) => {
    const { sent, logged, stop } = runMonitor(() => Promise.reject(error));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ type: 'QUEUE_UNREACHABLE', error: error.message, at: T0 }]);
    expect(logged).toEqual([]);
    stop();
  });

  it('reports a script error as an error with its message, logged once while it lasts, and its end', async () => {
    const wrongType = redisError('ReplyError', 'ERR user_script:12: WRONGTYPE Operation against a key holding the wrong kind of value');
    let broken = true;
    const { sent, logged, stop } = runMonitor(
      async () => SIZES,
      async () => {
        if (broken) throw wrongType;
        return 0;
      },
    );
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toEqual([0, 1000, 2000].map((ms) => ({ type: 'QUEUE_ERROR', error: wrongType.message, at: T0 + ms })));
    expect(logged).toEqual(['error ingestion queue answered with an error']);
    broken = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.at(-1)).toEqual({ type: 'QUEUE_STATS', stats: SIZES, at: T0 + 3000 });
    expect(logged).toEqual(['error ingestion queue answered with an error', 'info ingestion queue answers again']);
    stop();
  });

  it('counts only connection failures as unreachable', () => {
    expect(isConnectionFailure(redisError('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isConnectionFailure(new TypeError('Cannot read properties of undefined'))).toBe(false);
    // The Redis adapter wraps everything but a ReplyError; what it wraps decides.
    expect(isConnectionFailure(new QueueUnavailableError(new TypeError('x is not a function')))).toBe(false);
    expect(isConnectionFailure(new QueueUnavailableError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('near "x": syntax error'), { code: 'SQLITE_ERROR' }))).toBe(false);
  });
});
