import type { Cluster } from 'ioredis';
import type { RedisClient } from '../queue/redis-script.ts';
import type { Logger } from '../log/logger.ts';

// Helpers for a connection that already exists. Only types come from ioredis here, so the embedded default (no
// redis.url) never loads it: connect-redis.ts, which creates the client, is imported only when Redis is configured.

/**
 * How long any command may wait for its answer (ms) before it fails with "Command timed out" and counts as an outage:
 * a hung server (`DEBUG SLEEP`, a stalled VM) must turn into a 503 well inside GitHub's 10 s, not a webhook held 18 s.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;

/**
 * Logs a connection's errors through `logger`, one line per outage (not one per reconnect attempt), and its return.
 * Every ioredis connection needs an error listener, or ioredis prints `[ioredis] Unhandled error event` to stderr.
 */
export function logConnectionErrors(redis: RedisClient, logger: Logger, connection: string): void {
  let reported = false;
  redis.on('error', (error) => {
    if (!reported) logger.error(`${connection} unreachable; retrying in the background`, { connection, error });
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info(`${connection} reachable again`, { connection });
    reported = false;
  });
}

/**
 * The dedicated connection for the queue's blocking claims (BLMOVE), a duplicate of `redis` with its error listener.
 * It has no commandTimeout, which would cut a claim legitimately blocked for longer than it: instead ioredis's
 * `blockingTimeout` ends a BLMOVE that has not answered `graceMs` after its own block time as "nothing came" (null),
 * so a hung server cannot hold a worker's claim forever, and the worker's next command (with its timeout) reports it.
 */
export function duplicateForBlocking(redis: RedisClient, logger: Logger, graceMs = REDIS_COMMAND_TIMEOUT_MS): RedisClient {
  const blockingOptions = { commandTimeout: undefined, blockingTimeout: graceMs, blockingTimeoutGrace: graceMs };
  const blocking = isCluster(redis)
    ? // A Cluster's duplicate merges options shallowly: the node connections' options are restated whole.
      redis.duplicate(undefined, { redisOptions: { ...redis.options.redisOptions, ...blockingOptions } })
    : redis.duplicate(blockingOptions);
  logConnectionErrors(blocking, logger, 'redis (blocking connection)');
  return blocking;
}

function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as Cluster).isCluster === true;
}

/**
 * Resolves true once `redis` is ready (connected and, with a password, authenticated), or false when it is not within
 * `timeoutMs` or its connection ended for good. Never rejects: the caller starts either way, and health shows Redis
 * unreachable while the client keeps reconnecting.
 */
export function whenRedisReady(redis: RedisClient, timeoutMs: number): Promise<boolean> {
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
