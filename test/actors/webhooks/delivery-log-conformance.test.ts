import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isQueueUnavailableError } from '../../../src/actors/queue/queue-errors.ts';
import type { DeliveryLog } from '../../../src/actors/webhooks/delivery-log.ts';
import { RedisDeliveryLog } from '../../../src/actors/webhooks/redis-delivery-log.ts';
import { SqliteDeliveryLog } from '../../../src/actors/webhooks/sqlite-delivery-log.ts';

const WINDOW_MS = 60_000;
const redisUrl = inject('redisUrl');
const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
});

/** Each backend with its own way of letting the window pass. */
const backends: { name: string; available: boolean; create(): { log: DeliveryLog; expire(): Promise<void> } }[] = [
  {
    name: 'redis',
    available: redisUrl !== '',
    create() {
      const redis = new Redis(redisUrl);
      clients.push(redis);
      const prefix = `test:${randomUUID()}:deliveries`;
      return {
        log: new RedisDeliveryLog(redis, prefix, WINDOW_MS),
        // The keys carry their expiry (PX): dropping them is what Redis does when the window ends.
        expire: async () => {
          const keys = await redis.keys(`${prefix}:*`);
          for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(WINDOW_MS - 10_000);
          if (keys.length > 0) await redis.del(...keys);
        },
      };
    },
  },
  {
    name: 'sqlite',
    available: true,
    create() {
      const clock = { now: 1_700_000_000_000 };
      const expire = async () => {
        clock.now += WINDOW_MS;
      };
      return { log: new SqliteDeliveryLog(new Database(':memory:'), WINDOW_MS, () => clock.now), expire };
    },
  },
];

for (const backend of backends) {
  if (!backend.available) console.warn(`!!! SKIPPING the ${backend.name} delivery log suite: no server for it in this run`);
  describe.skipIf(!backend.available)(`delivery log on ${backend.name}`, () => {
    it('says true the first time an id is seen, false for its redelivery, per source', async () => {
      const { log } = backend.create();
      expect(await log.firstDelivery('github:docs', 'd-1')).toBe(true);
      expect(await log.firstDelivery('github:docs', 'd-1')).toBe(false);
      expect(await log.firstDelivery('github:other', 'd-1')).toBe(true);
      expect(await log.firstDelivery('github:docs', 'd-2')).toBe(true);
    });

    it('answers concurrent deliveries in arrival order: one true per id, however they are batched', async () => {
      const { log } = backend.create();
      const ids = Array.from({ length: 600 }, (_, i) => `d-${i % 300}`);
      const answers = await Promise.all(ids.map((id) => log.firstDelivery('notion:wiki', id)));
      expect(answers.slice(0, 300).every((a) => a)).toBe(true);
      expect(answers.slice(300).some((a) => a)).toBe(false);
    });

    it('forgets a delivery so that its redelivery is handled', async () => {
      const { log } = backend.create();
      expect(await log.firstDelivery('confluence:wiki', '77@1')).toBe(true);
      await log.forget('confluence:wiki', '77@1');
      expect(await log.firstDelivery('confluence:wiki', '77@1')).toBe(true);
      expect(await log.firstDelivery('confluence:wiki', '77@1')).toBe(false);
    });

    it('takes an id as new again once the window has passed', async () => {
      const { log, expire } = backend.create();
      expect(await log.firstDelivery('github:docs', 'd-1')).toBe(true);
      await expire();
      expect(await log.firstDelivery('github:docs', 'd-1')).toBe(true);
    });
  });
}

describe.skipIf(redisUrl === '')('delivery log on an unreachable Redis', () => {
  it('rejects every waiting delivery with a queue-unavailable error, not a hang', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
    clients.push(redis);
    const log = new RedisDeliveryLog(redis, 'test:down', WINDOW_MS);
    const results = await Promise.allSettled([log.firstDelivery('github:docs', 'a'), log.firstDelivery('github:docs', 'b')]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(isQueueUnavailableError((result as PromiseRejectedResult).reason)).toBe(true);
    }
  });
});
