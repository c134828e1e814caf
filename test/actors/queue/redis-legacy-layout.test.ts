import type { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { migrateLegacyQueueLayout } from '../../../src/actors/queue/redis-legacy-layout.ts';
import { upsertEvent } from '../../support/events.ts';
import { type QueueHarness, queueBackends } from '../../support/queue-backends.ts';

const redisUrl = inject('redisUrl');

describe.skipIf(redisUrl === '')('upgrading from the queue layout before ids', () => {
  let harness: QueueHarness | undefined;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  it('moves in-flight, delayed and dead entries of the old keys into the queue, once, losing none', async () => {
    harness = await queueBackends.find((b) => b.name === 'redis')!.create();
    const { queue } = harness;
    const redis = harness.redis as Redis;
    const name = queue.name;
    const [inFlight, delayed, waiting, dead] = ['in-flight.md', 'delayed.md', 'waiting.md', 'dead.md'].map((path) => upsertEvent(path));
    // What an older inlet left behind: one entry waiting in the list, one it was processing, one due for a retry, one dead.
    await redis.rpush(name, JSON.stringify(waiting));
    await redis.rpush(`${name}:processing`, JSON.stringify(inFlight));
    await redis.zadd(`${name}:leases`, 1, JSON.stringify(inFlight));
    await redis.zadd(`${name}:delayed`, Date.now() + 60_000, JSON.stringify(delayed));
    await redis.hset(`${name}:attempts`, JSON.stringify(delayed), '2');
    await redis.rpush(`${name}:dead`, JSON.stringify({ entry: JSON.stringify(dead), reason: 'embedder said 400', failed_at: 1_700_000_000_000 }));

    expect(await migrateLegacyQueueLayout(redis, name)).toEqual({ inFlight: 1, delayed: 1, dead: 1 });
    expect(await migrateLegacyQueueLayout(redis, name)).toEqual({ inFlight: 0, delayed: 0, dead: 0 });
    expect(await redis.exists(`${name}:processing`, `${name}:delayed`, `${name}:dead`, `${name}:leases`, `${name}:attempts`)).toBe(0);

    const claimed = await queue.claim({ max: 10, waitMs: 0 });
    // The one it was processing first (it was next), then the list, then the retry.
    expect(claimed.map((c) => c.event.id)).toEqual([inFlight.id, waiting.id, delayed.id]);
    const letters = await queue.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ entry: JSON.stringify(dead), reason: 'embedder said 400' });
  });
});
