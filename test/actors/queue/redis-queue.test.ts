import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseDeadLetterRecord } from '../../../src/actors/queue/dead-letter-record.ts';
import { RedisQueue, redisQueueKeys } from '../../../src/actors/queue/redis-queue.ts';
import { manyEvents, upsertEvent } from '../../support/events.ts';
import { type QueueHarness, queueBackends, testQueueOptions } from '../../support/queue-backends.ts';

describe('dead-letter records', () => {
  it('reads a record the queue wrote', () => {
    expect(parseDeadLetterRecord(JSON.stringify({ id: '7', entry: '{"id":"a"}', reason: 'boom', failed_at: 5 }))).toEqual({
      entry: '{"id":"a"}',
      reason: 'boom',
      failedAt: 5,
    });
  });

  it('lists anything else with what can be read instead of throwing', () => {
    expect(parseDeadLetterRecord('not json')).toEqual({ entry: 'not json', reason: 'unreadable dead-letter record (not JSON)', failedAt: 0 });
    expect(parseDeadLetterRecord('42').reason).toBe('unreadable dead-letter record (not an object)');
    expect(parseDeadLetterRecord('null').entry).toBe('null');
    expect(parseDeadLetterRecord(JSON.stringify({ reason: 7, failed_at: 'yesterday' }))).toEqual({
      entry: JSON.stringify({ reason: 7, failed_at: 'yesterday' }),
      reason: 'unknown (the record has no reason)',
      failedAt: 0,
    });
  });
});

for (const backend of queueBackends.filter((b) => b.name.startsWith('redis'))) {
  describe.skipIf(!backend.available)(`Redis queue layout on ${backend.name}`, () => {
    let harness: QueueHarness | undefined;
    afterEach(async () => {
      await harness?.dispose();
      harness = undefined;
    });

    it('keeps ids in the list and payloads in a hash, forgotten once acked', async () => {
      harness = await backend.create();
      const { queue, redis } = harness as QueueHarness & { redis: NonNullable<QueueHarness['redis']> };
      const keys = redisQueueKeys(queue.name);
      await queue.enqueue(manyEvents(2));
      expect(await redis.llen(queue.name)).toBe(2);
      const [next] = await redis.lrange(queue.name, 0, 0);
      expect(next).toMatch(/^\d+$/);
      expect(JSON.parse((await redis.hget(keys.payloads, next)) as string).path).toBe('doc-0.md');
      const claimed = await queue.claim({ max: 2, waitMs: 0 });
      expect(claimed.map((c) => String(c.sequence))).toEqual([next, String(Number(next) + 1)]);
      await queue.ack(claimed);
      expect(await redis.hlen(keys.payloads)).toBe(0);
      expect(await redis.zcard(keys.leases)).toBe(0);
      expect(await redis.hlen(keys.holders)).toBe(0);
    });

    it.skipIf(backend.name !== 'redis-cluster')('keeps every key of a queue in the slot of its list, ingestion:queue included', async () => {
      harness = await backend.create();
      const redis = harness.redis as NonNullable<QueueHarness['redis']>;
      for (const name of [harness.queue.name, 'ingestion:queue']) {
        const slots = new Set<unknown>();
        for (const key of Object.values(redisQueueKeys(name))) slots.add(await redis.call('CLUSTER', 'KEYSLOT', key));
        expect(slots.size).toBe(1);
      }
    });

    it('adopts a JSON entry a foreign producer pushed to the list', async () => {
      harness = await backend.create();
      await harness.pushRaw(JSON.stringify(upsertEvent('foreign.md')));
      const [claimed] = await harness.queue.claim({ max: 1, waitMs: 0 });
      expect(claimed.event.path).toBe('foreign.md');
      expect(claimed.sequence).toBeGreaterThan(0);
    });

    it('lists the dead letters whatever records the list holds', async () => {
      harness = await backend.create({ maxAttempts: 1 });
      const { queue, redis } = harness as QueueHarness & { redis: NonNullable<QueueHarness['redis']> };
      await queue.enqueue([upsertEvent('poison.md')]);
      const [claimed] = await queue.claim({ max: 1, waitMs: 0 });
      await queue.retry(claimed, 'parser exploded');
      await redis.rpush(redisQueueKeys(queue.name).dead, 'hand-written note', JSON.stringify({ entry: 'x' }));
      const dead = await queue.deadLetters();
      expect(dead.map((d) => d.reason)).toEqual(['parser exploded', 'unreadable dead-letter record (not JSON)', 'unknown (the record has no reason)']);
      expect(JSON.parse(dead[0].entry).path).toBe('poison.md');
    });
  });
}

describe.skipIf(inject('redisUrl') === '')('Redis queue start-up', () => {
  it('lets a blocking claim wait for its dedicated connection to connect instead of failing as an outage', async () => {
    const redis = new Redis(inject('redisUrl'));
    // As open-backends makes it: opened after the commands connection, offline queue off.
    const blocking = new Redis(inject('redisUrl'), { lazyConnect: true, enableOfflineQueue: false });
    const queue = new RedisQueue(redis, blocking, testQueueOptions());
    try {
      const waiting = queue.claim({ max: 1, waitMs: 2_000 });
      await new Promise((resolve) => blocking.once('ready', resolve));
      await queue.enqueue([upsertEvent('first.md')]);
      expect((await waiting).map((c) => c.event.path)).toEqual(['first.md']);
    } finally {
      await queue.clear();
      await redis.del(redisQueueKeys(queue.name).seq);
      await queue.close();
      redis.disconnect();
    }
  });
});
