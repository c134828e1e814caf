import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** A standalone Redis or a Redis Cluster; the queue's scripts keep all their keys in one slot. */
export type RedisClient = Redis | Cluster;

/** A Lua script run by EVALSHA, falling back to EVAL once when the server has not cached it (after a restart or FLUSH). */
export class RedisScript {
  private readonly sha: string;

  /** `keyCount`: how many keys every call passes, or `'any'` for a script that takes a variable number (KEYS is a list). */
  constructor(
    private readonly source: string,
    private readonly keyCount: number | 'any',
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with `keys` (`keyCount` of them, unless `'any'`) and string arguments. */
  async run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (this.keyCount !== 'any' && keys.length !== this.keyCount) throw new Error(`script takes ${this.keyCount} keys, got ${keys.length}`);
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return redis.eval(this.source, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }
}
