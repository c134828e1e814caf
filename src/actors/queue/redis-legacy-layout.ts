import { RedisScript } from './redis-script.ts';
import type { RedisClient } from './redis-script.ts';
import { redisQueueKeys } from './redis-queue.ts';

/**
 * Keys of the queue layout before events were stored by id (inlet up to issue 11): JSON entries in untagged lists and
 * sets. Only a standalone Redis can hold them: that layout did not run on a Redis Cluster.
 */
function legacyKeysOf(name: string) {
  return {
    processing: `${name}:processing`,
    delayed: `${name}:delayed`,
    dead: `${name}:dead`,
    leases: `${name}:leases`,
    attempts: `${name}:attempts`,
  };
}

/**
 * One script, so a crash in the middle moves all or nothing. Entries in flight when the old inlet stopped go back to the
 * head of the ready list (they were next), delayed retries to its tail (their delay is dropped: they run once more at
 * once), dead letters to the new dead list unchanged (same record shape). The ready list adopts JSON entries as events.
 * KEYS: 1 old processing list, 2 old delayed zset, 3 old dead list, 4 old leases zset, 5 old attempts hash,
 *       6 ready list, 7 new dead list. Returns {in flight, delayed, dead} moved.
 */
const migrateScript = new RedisScript(
  `local inFlight = redis.call('LRANGE', KEYS[1], 0, -1)
for i = #inFlight, 1, -1 do redis.call('LPUSH', KEYS[6], inFlight[i]) end
local delayed = redis.call('ZRANGE', KEYS[2], 0, -1)
for _, entry in ipairs(delayed) do redis.call('RPUSH', KEYS[6], entry) end
local dead = redis.call('LRANGE', KEYS[3], 0, -1)
for _, record in ipairs(dead) do redis.call('RPUSH', KEYS[7], record) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return {#inFlight, #delayed, #dead}`,
  7,
);

/** What `migrateLegacyQueueLayout` moved. */
export interface LegacyLayoutMigration {
  inFlight: number;
  delayed: number;
  dead: number;
}

/**
 * Moves what an older inlet left in the old key layout of queue `name` into the current one, so an upgrade loses no
 * event: idempotent (a second run finds nothing), and cheap when there is nothing (one EXISTS).
 */
export async function migrateLegacyQueueLayout(redis: RedisClient, name: string): Promise<LegacyLayoutMigration> {
  const old = legacyKeysOf(name);
  const none = { inFlight: 0, delayed: 0, dead: 0 };
  if ((await redis.exists(old.processing, old.delayed, old.dead, old.leases, old.attempts)) === 0) return none;
  const current = redisQueueKeys(name);
  const [inFlight, delayed, dead] = (await migrateScript.run(
    redis,
    [old.processing, old.delayed, old.dead, old.leases, old.attempts, current.ready, current.dead],
    [],
  )) as number[];
  return { inFlight, delayed, dead };
}
