import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Logger } from '../../../src/actors/log/logger.ts';
import { connectRedis } from '../../../src/actors/system/connect-redis.ts';
import { whenRedisReady } from '../../../src/actors/system/redis-connection.ts';
import { ConnectorManager } from '../../../src/actors/system/connector-manager.ts';
import type { HealthReport } from '../../../src/actors/system/health-report.ts';
import { openBackends } from '../../../src/actors/system/open-backends.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import type { QueueStats } from '../../../src/model/queue-stats.ts';
import { upsertEvent } from '../../support/events.ts';
import { eventually, jsonOf, startTempService, type TempService } from '../../support/temp-service.ts';

const redisUrl = inject('redisUrl');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A logger that keeps `level message` lines. */
function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => void lines.push(`info ${message}`),
    warn: (message) => void lines.push(`warn ${message}`),
    error: (message) => void lines.push(`error ${message}`),
  };
}

describe('one backpressure latch, the supervisor’s', () => {
  it('GET /queue/stats, health, getQueueStats() and queue.isBackpressure() agree with it across the marks while the connector is paused', async () => {
    const service: TempService = await startTempService({ workerCount: 0, queue: ['max_size: 10', 'backpressure_on_pct: 80', 'backpressure_off_pct: 50'] });
    cleanups.push(() => service.stop());
    const { manager } = service;
    const machineLatch = () => (manager.root.getSnapshot().value as { queue: string }).queue === 'backpressure';
    /** Every reader's answer, and the connector's state, read one after the other. */
    const readers = async () => {
      const stats = await jsonOf<QueueStats>(fetch(`${service.url}/queue/stats`));
      const health = await jsonOf<HealthReport>(fetch(`${service.url}/webhooks/health`));
      return {
        route: stats.backpressure,
        health: health.queue?.backpressure,
        healthState: health.queue?.state,
        getQueueStats: (await manager.getQueueStats()).backpressure,
        queueGetStats: (await manager.queue.getStats()).backpressure,
        isBackpressure: await manager.queue.isBackpressure(),
        machine: machineLatch(),
        connector: health.connectors[0].status,
      };
    };
    const agreeing = (latch: boolean) => ({
      route: latch,
      health: latch,
      healthState: latch ? 'backpressure' : 'flowing',
      getQueueStats: latch,
      queueGetStats: latch,
      isBackpressure: latch,
      machine: latch,
    });

    for (let i = 0; i < 8; i++) writeFileSync(join(service.docs, `doc-${i}.md`), `# Doc ${i}\n`);
    await eventually('the connector paused', async () => (await manager.health()).connectors[0].status === 'paused');
    expect(await readers()).toMatchObject({ ...agreeing(true), connector: 'paused' });

    // 60 %: between the marks, the latch stays on; reading the stats again and again changes nothing.
    await manager.queue.ack(await manager.queue.claim({ max: 2, waitMs: 0 }));
    expect((await manager.getQueueStats()).size).toBe(6);
    for (let i = 0; i < 3; i++) expect(await readers()).toMatchObject({ ...agreeing(true), connector: 'paused' });

    // 40 %: under the low mark, off everywhere at once.
    await manager.queue.ack(await manager.queue.claim({ max: 2, waitMs: 0 }));
    const off = await manager.getQueueStats();
    expect(off).toMatchObject({ size: 4, usage_pct: 40, backpressure: false });
    expect(await readers()).toMatchObject(agreeing(false));
    await eventually('the connector resumed', async () => (await manager.health()).connectors[0].status !== 'paused');
  });
});

describe.skipIf(redisUrl === '')('a queue that answers with an error', () => {
  it('shows a key of the wrong type under the queue name as an error with its message, in health and the log, not as unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inlet-queue-error-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const name = `test:${randomUUID()}:ingestion:queue`;
    const config = parseConfig(`queue:\n  name: "${name}"\nstorage:\n  path: ${JSON.stringify(join(dir, 'inlet.db'))}\n`, 'queue-error', {});
    const logger = memoryLogger();
    const redis = connectRedis({ ...config, redis: { url: redisUrl, password: '', cluster: false } }, logger)!;
    cleanups.push(() => redis.disconnect());
    const manager = new ConnectorManager(redis, config, { logger, workerCount: 0, monitorIntervalMs: 100 });
    cleanups.push(() => manager.stop());
    await manager.start();
    await eventually('the queue flowing', async () => (await manager.health()).queue?.state === 'flowing');

    await redis.set(name, 'not a list');
    cleanups.push(async () => void (await redis.del(name)));
    const health = await eventually('the queue in error', async () => {
      const report = await manager.health();
      return report.queue?.state === 'error' ? report : undefined;
    });
    expect(health?.status).toBe('degraded');
    expect(health?.queue?.error).toMatch(/^WRONGTYPE /);
    expect(health?.reasons).toContain(`ingestion queue error: ${health?.queue?.error}`);
    expect(manager.queueState().state).toBe('error');
    expect(logger.lines.filter((line) => line === 'error ingestion queue answered with an error')).toHaveLength(1);
    expect(logger.lines.some((line) => line.includes('unreachable'))).toBe(false);
    // GET /queue/stats answers it as a JSON error with Redis's message (502 QUEUE_ERROR), not a bare internal error.
    await expect(manager.getQueueStats()).rejects.toMatchObject({ code: 'QUEUE_ERROR', message: expect.stringMatching(/^ingestion queue answered with an error: WRONGTYPE /) });

    await redis.del(name);
    await eventually('the queue flowing again', async () => (await manager.health()).queue?.state === 'flowing');
    expect(logger.lines).toContain('info ingestion queue answers again');
  });
});

describe.skipIf(redisUrl === '')('the blocking connection', () => {
  it('is not cut by the command timeout while a claim legitimately blocks longer than it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inlet-blocking-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = parseConfig(`queue:\n  name: "test:${randomUUID()}:ingestion:queue"\nstorage:\n  path: ${JSON.stringify(join(dir, 'inlet.db'))}\n`, 'blocking', {});
    const redis = connectRedis({ ...config, redis: { url: redisUrl, password: '', cluster: false } }, memoryLogger(), { commandTimeoutMs: 300 })!;
    cleanups.push(() => redis.disconnect());
    expect(await whenRedisReady(redis, 5000)).toBe(true);
    const backends = await openBackends(redis, config);
    cleanups.push(() => backends.close());
    const producer = new Redis(redisUrl);
    cleanups.push(() => producer.disconnect());

    // A claim that blocks 1.5 s, five command timeouts; the event arrives after three of them.
    const startedAt = Date.now();
    const claimed = backends.queue.claim({ max: 1, waitMs: 1500 });
    await eventually('the claim blocked past the command timeout', () => Date.now() - startedAt > 900);
    await backends.queue.enqueue([upsertEvent('late.md')]);
    const [event] = await claimed;
    expect(event?.event.path).toBe('late.md');
  });
});
