import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../src/actors/log/logger.ts';
import type { RedisClient } from '../../src/actors/queue/redis-script.ts';
import { clusterSeeds, connectRedis } from '../../src/actors/system/connect-redis.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { eventually, startTempService, type TempService } from '../support/temp-service.ts';

const clusterNodes = inject('redisClusterNodes');

describe('redis.cluster seeds', () => {
  it('reads comma-separated seeds with or without the scheme, defaulting the port', () => {
    expect(clusterSeeds('redis://10.0.0.1:7000, 10.0.0.2:7001,redis://cache.internal')).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: 'cache.internal', port: 6379 },
    ]);
  });

  it('refuses a cluster flag that is not true or false, naming the key', () => {
    expect(() => parseConfig('redis:\n  url: redis://a:7000\n  cluster: yes-please\n', 'inlet.yaml', {})).toThrow(/redis\.cluster/);
  });
});

describe.skipIf(clusterNodes === '')('the service on a Redis Cluster (redis.cluster: true)', () => {
  let service: TempService | undefined;
  let redis: RedisClient | null = null;
  afterEach(async () => {
    await service?.stop();
    redis?.disconnect();
    service = undefined;
  });

  it('connects a Cluster client from the config, ingests and deletes a file through the queue, and records webhook deliveries in one slot', async () => {
    const seeds = clusterNodes
      .split(',')
      .map((node) => `redis://${node}`)
      .join(',');
    const config = parseConfig(`redis:\n  url: ${JSON.stringify(seeds)}\n  cluster: true\n`, 'inlet.yaml', {});
    redis = connectRedis(config, silentLogger);
    expect(redis).toBeInstanceOf(Cluster);
    service = await startTempService({ redis, workerCount: 2 });
    const { graph, deliveries, cursors } = service.backends;

    writeFileSync(join(service.docs, 'guide.md'), '# Cluster guide\n\nEvery key of one queue shares a hash tag.\n');
    await eventually('guide.md stored through the cluster queue', () => graph.getDocument('docs:guide.md'));
    await eventually('the cursor saved on the cluster', async () => (await cursors.get('docs')) !== null);

    // Deliveries that arrive in one turn are recorded by one multi-key script: on a cluster that works only when
    // their keys share a slot (else CROSSSLOT).
    const ids = ['d-1', 'd-2', 'd-3', 'd-1'];
    expect(await Promise.all(ids.map((id) => deliveries.firstDelivery('github', id)))).toEqual([true, true, true, false]);

    rmSync(join(service.docs, 'guide.md'));
    await eventually('guide.md gone', async () => (await graph.getDocument('docs:guide.md')) === null);
    expect(await service.backends.queue.deadLetters()).toEqual([]);
  });
});
