import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from '../../../src/actors/queue/redis-script.ts';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../../src/actors/log/logger.ts';
import { connectRedis } from '../../../src/actors/system/connect-redis.ts';
import { whenRedisReady } from '../../../src/actors/system/redis-connection.ts';
import type { InletConfig } from '../../../src/config/schema.ts';
import { eventually, startTempService, type TempService } from '../../support/temp-service.ts';

const redisUrl = inject('redisUrl');
let service: TempService | undefined;
let redis: RedisClient | null = null;
afterEach(async () => {
  if (service) {
    await service.manager.queue.clear();
    await service.backends.cursors.delete('docs');
    await service.stop();
  }
  redis?.disconnect();
  service = undefined;
  redis = null;
});

/** The service's own Redis client, as `inlet serve` makes it: fresh, still connecting. */
const freshClient = (url: string) => connectRedis({ redis: { url, password: '' } } as InletConfig, silentLogger);

describe.skipIf(redisUrl === '')('start-up on Redis', () => {
  it('waits for the connection before the first poll and claim: a healthy start shows no error anywhere', async () => {
    redis = freshClient(redisUrl);
    expect(redis?.status).not.toBe('ready');
    service = await startTempService({ redis, workerCount: 2, startPolling: false });
    writeFileSync(join(service.docs, 'first.md'), '# First\n');
    await service.manager.startPolling();
    const manager = service.manager;
    await eventually('the first poll done', async () => (await manager.health()).connectors[0].stats.last_sync !== null);
    const health = await manager.health();
    for (const connector of health.connectors) expect(connector.stats).toMatchObject({ errors: 0, last_error: null });
    expect(health.workers).toHaveLength(2);
    for (const worker of health.workers) expect(worker.stats).toMatchObject({ outages: 0, last_error: null });
  });

  it('tells a client that never connects from a ready one, within the bound', async () => {
    const ready = freshClient(redisUrl)!;
    // Port 1 refuses connections: the client keeps retrying and is never ready.
    const never = freshClient('redis://127.0.0.1:1')!;
    try {
      expect(await whenRedisReady(ready, 5000)).toBe(true);
      expect(await whenRedisReady(never, 200)).toBe(false);
    } finally {
      ready.disconnect();
      never.disconnect();
    }
  });
});
