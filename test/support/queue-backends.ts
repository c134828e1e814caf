import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Cluster, Redis } from 'ioredis';
import { inject } from 'vitest';
import type { IngestionQueue, QueueOptions } from '../../src/actors/queue/ingestion-queue.ts';
import { RedisQueue } from '../../src/actors/queue/redis-queue.ts';
import { SqliteQueue } from '../../src/actors/queue/sqlite-queue.ts';

/** A queue under test with a clock the test moves (unless it passes its own `now`), and a way to store a raw entry behind the queue's back. */
export interface QueueHarness {
  queue: IngestionQueue;
  clock: { now: number };
  /** Stores `entry` as if a foreign producer had pushed it (for malformed-entry tests). */
  pushRaw(entry: string): Promise<void>;
  /** The Redis client of a Redis backend (to look at the keys), undefined on SQLite. */
  redis?: Redis | Cluster;
  /** Resolves once a claim started before it is really waiting (blocked in Redis, asleep on SQLite), not still checking. */
  claimWaiting(): Promise<void>;
  dispose(): Promise<void>;
}

/** Options with short, test-friendly timings; override what a test pins. */
export function testQueueOptions(overrides: Partial<QueueOptions> = {}): QueueOptions {
  return {
    name: `test:${randomUUID()}:ingestion:queue`,
    maxSize: 100,
    leaseMs: 30_000,
    maxAttempts: 3,
    retryBaseMs: 1_000,
    dedupeWindowMs: 60_000,
    ...overrides,
  };
}

/** How a Redis harness reaches the server: standalone, or the masters of a Redis Cluster. */
interface RedisTarget {
  /** A client for commands; `connectionName` names every connection it opens (CLIENT LIST shows it). */
  connect(connectionName?: string): Redis | Cluster;
  /** The servers that may hold the queue's slot, to ask CLIENT LIST. */
  servers(client: Redis | Cluster): (Redis | Cluster)[];
}

const standalone: RedisTarget = {
  connect: (connectionName) => new Redis(inject('redisUrl'), { connectionName }),
  servers: (client) => [client],
};

const clusterNodes = () =>
  inject('redisClusterNodes')
    .split(',')
    .map((node) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) }));

const cluster: RedisTarget = {
  connect: (connectionName) => new Cluster(clusterNodes(), { redisOptions: { connectionName } }),
  servers: (client) => (client as Cluster).nodes('master'),
};

/** A RedisQueue harness on `target`. */
async function createRedisHarness(target: RedisTarget, overrides: Partial<QueueOptions> | undefined): Promise<QueueHarness> {
  const clock = { now: 1_700_000_000_000 };
  const options = { ...testQueueOptions(overrides), now: overrides?.now ?? (() => clock.now) };
  const redis = target.connect();
  const blockingName = `claim-${randomUUID()}`;
  const blocking = target.connect(blockingName);
  const queue = new RedisQueue(redis, blocking, options);
  return {
    queue,
    clock,
    redis,
    pushRaw: async (entry) => void (await redis.rpush(options.name, entry)),
    async claimWaiting() {
      // CLIENT LIST flags a client blocked in BLMOVE with `b`; asking until it does is a wait for a fact, not a sleep.
      const isBlocked = async () => {
        for (const server of target.servers(redis)) {
          const lines = String(await server.client('LIST')).split('\n');
          if (lines.some((l) => l.includes(`name=${blockingName} `) && /flags=\w*b/.test(l))) return true;
        }
        return false;
      };
      while (!(await isBlocked())) await new Promise((resolve) => setImmediate(resolve));
    },
    async dispose() {
      await queue.clear();
      // clear() keeps the sequence counter on purpose (sequences never go back); a test queue drops it too.
      await redis.del(`{${options.name}}:seq`);
      await queue.close();
      redis.disconnect();
    },
  };
}

/** One entry per backend; a Redis one is unavailable when the run has no such server (its suites then skip loudly). */
export const queueBackends: { name: string; available: boolean; create(o?: Partial<QueueOptions>): Promise<QueueHarness> }[] = [
  {
    name: 'redis',
    available: inject('redisUrl') !== '',
    create: (overrides) => createRedisHarness(standalone, overrides),
  },
  {
    name: 'redis-cluster',
    available: inject('redisClusterNodes') !== '',
    create: (overrides) => createRedisHarness(cluster, overrides),
  },
  {
    name: 'sqlite',
    available: true,
    async create(overrides) {
      const clock = { now: 1_700_000_000_000 };
      const options = { ...testQueueOptions(overrides), now: overrides?.now ?? (() => clock.now) };
      const dir = mkdtempSync(join(tmpdir(), 'inlet-queue-'));
      const db = new Database(join(dir, 'queue.db'));
      db.pragma('journal_mode = WAL');
      const queue = new SqliteQueue(db, options);
      return {
        queue,
        clock,
        pushRaw: async (entry) => queue.pushRawForTest(entry),
        // A SQLite claim that found nothing is asleep on its wake signal by the time claim() has returned its promise.
        claimWaiting: async () => {},
        async dispose() {
          await queue.close();
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
