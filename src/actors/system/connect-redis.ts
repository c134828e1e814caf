import { Cluster, Redis } from 'ioredis';
import type { InletConfig } from '../../config/schema.ts';
import type { RedisClient } from '../queue/redis-script.ts';
import type { Logger } from '../log/logger.ts';
import { logConnectionErrors, REDIS_COMMAND_TIMEOUT_MS } from './redis-connection.ts';

/** Options of the service's Redis client. */
export interface ConnectRedisOptions {
  /** Timeout of every command (ms). Default `REDIS_COMMAND_TIMEOUT_MS`. */
  commandTimeoutMs?: number;
}

/**
 * The Redis client of the service (a `Cluster` with `redis.cluster`), or null for the embedded queue. Commands fail
 * fast while Redis is down (`enableOfflineQueue: false`) and within `commandTimeoutMs` while it hangs, so health turns
 * `unhealthy` at once and nothing waits in a hidden buffer; the client keeps reconnecting on its own, and the service
 * recovers without a restart.
 */
export function connectRedis(config: InletConfig, logger: Logger, options: ConnectRedisOptions = {}): RedisClient | null {
  if (!config.redis.url) return null;
  const connection = {
    password: config.redis.password || undefined,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
    // No auto-pipelining: it holds every command for one more turn of the event loop. The one command that comes in
    // bursts (the webhook delivery log) batches itself into one script call per turn.
  };
  const redis = config.redis.cluster
    ? new Cluster(clusterSeeds(config.redis.url), { enableOfflineQueue: false, redisOptions: connection })
    : new Redis(config.redis.url, { ...connection, enableOfflineQueue: false });
  logConnectionErrors(redis, logger, 'redis');
  return redis;
}

/** The seed nodes of `redis.url` with `redis.cluster`: `redis://a:7000,redis://b:7001` (or bare `a:7000,b:7001`). */
export function clusterSeeds(url: string): { host: string; port: number }[] {
  return url
    .split(',')
    .map((seed) => seed.trim())
    .filter((seed) => seed !== '')
    .map((seed) => {
      const parsed = new URL(seed.includes('://') ? seed : `redis://${seed}`);
      return { host: parsed.hostname, port: Number(parsed.port || 6379) };
    });
}
