import { Redis } from 'ioredis';
import type { InletConfig } from '../../config/schema.ts';
import type { Logger } from '../log/logger.ts';

/**
 * The Redis client of the service, or null for the embedded queue. Commands fail fast while Redis is down
 * (`enableOfflineQueue: false`), so health turns `unhealthy` at once and nothing waits in a hidden buffer;
 * the client keeps reconnecting on its own, and the service recovers without a restart.
 */
export function connectRedis(config: InletConfig, logger: Logger): Redis | null {
  if (!config.redis.url) return null;
  const redis = new Redis(config.redis.url, {
    password: config.redis.password || undefined,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // No auto-pipelining: it holds every command for one more turn of the event loop. The one command that comes in
    // bursts (the webhook delivery log) batches itself into one script call per turn.
  });
  let reported = false;
  redis.on('error', (error) => {
    // One line per outage, not one per reconnect attempt.
    if (!reported) logger.error('redis unreachable; retrying in the background', { error });
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info('redis reachable again');
    reported = false;
  });
  return redis;
}

/**
 * Resolves true once `redis` is ready (connected and, with a password, authenticated), or false when it is not within
 * `timeoutMs` or its connection ended for good. Never rejects: the caller starts either way, and health shows Redis
 * unreachable while the client keeps reconnecting.
 */
export function whenRedisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      resolve(ready);
    };
    const onReady = () => done(true);
    const onEnd = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}
