import { Redis } from 'ioredis';
import type { InletConfig } from '../../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import { logConnectionErrors, REDIS_COMMAND_TIMEOUT_MS } from './redis-connection.ts';

/** Options of the service's Redis client. */
export interface ConnectRedisOptions {
  /** Timeout of every command (ms). Default `REDIS_COMMAND_TIMEOUT_MS`. */
  commandTimeoutMs?: number;
}

/**
 * The Redis client of the service, or null for the embedded queue. Commands fail fast while Redis is down
 * (`enableOfflineQueue: false`) and within `commandTimeoutMs` while it hangs, so health turns `unhealthy` at once and
 * nothing waits in a hidden buffer; the client keeps reconnecting on its own, and the service recovers without a restart.
 */
export function connectRedis(config: InletConfig, logger: Logger, options: ConnectRedisOptions = {}): Redis | null {
  if (!config.redis.url) return null;
  const redis = new Redis(config.redis.url, {
    password: config.redis.password || undefined,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
    // No auto-pipelining: it holds every command for one more turn of the event loop. The one command that comes in
    // bursts (the webhook delivery log) batches itself into one script call per turn.
  });
  logConnectionErrors(redis, logger, 'redis');
  return redis;
}
