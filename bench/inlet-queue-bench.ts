import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { QueueOptions } from '../src/actors/queue/ingestion-queue.ts';
import { RedisQueue, redisQueueKeys } from '../src/actors/queue/redis-queue.ts';
import { type CpuShare, startCpuMeter } from './cpu-meter.ts';
import type { Deadline } from './deadline.ts';
import type { PrivateRedis } from './redis-server.ts';
import { smallEvents } from './small-events.ts';

/** Shape of the end-to-end queue run. */
export interface QueueRunShape {
  events: number;
  /** Events per `enqueue` call. */
  enqueueBatch: number;
  /** Concurrent claim loops, each with its own command and blocking connection. */
  consumers: number;
  /** `max` of each claim. */
  claimBatch: number;
}

/** Outcome of one end-to-end run. */
export interface QueueRunResult {
  seconds: number;
  eventsPerS: number;
  /** Claims made, and how many returned fewer than `claimBatch` (a consumer outran the producer). */
  claims: number;
  shortClaims: number;
  cpu: CpuShare;
}

function queueOptions(name: string): QueueOptions {
  return {
    name,
    maxSize: 1_000_000,
    leaseMs: 60_000,
    maxAttempts: 5,
    retryBaseMs: 2_000,
    // inlet's default (3 days): every id stays in the dedupe zset for the whole run, as in production.
    dedupeWindowMs: 259_200_000,
  };
}

/**
 * Enqueue + claim + ack of `events` small events through inlet's RedisQueue: one producer enqueues batches while
 * `consumers` loops claim and ack; timed from the first enqueue to the last ack.
 */
export async function benchInletQueue(redis: PrivateRedis, shape: QueueRunShape, deadline: Deadline): Promise<QueueRunResult> {
  const options = queueOptions(`bench:${randomUUID()}:ingestion:queue`);
  const events = smallEvents(shape.events, `inlet-${randomUUID()}`);
  const connections: Redis[] = [];
  const connect = (lazy = false) => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: lazy });
    // Failures reach the loops as rejected commands; without a listener ioredis would also print each one.
    client.on('error', () => undefined);
    connections.push(client);
    return client;
  };
  // The producer never claims, so its blocking connection is never opened.
  const producer = new RedisQueue(connect(), connect(true), options);
  const consumers = Array.from({ length: shape.consumers }, () => new RedisQueue(connect(), connect(), options));
  try {
    await Promise.all(connections.filter((c) => c.status !== 'wait').map((c) => c.ping()));
    let acked = 0;
    let claims = 0;
    let shortClaims = 0;
    let stop = false;
    const progress = () => `${acked}/${shape.events} acked`;

    const produce = async () => {
      for (let offset = 0; offset < events.length && !stop; offset += shape.enqueueBatch) {
        deadline.check(progress);
        const { queued } = await producer.enqueue(events.slice(offset, offset + shape.enqueueBatch));
        if (queued !== Math.min(shape.enqueueBatch, events.length - offset)) throw new Error(`enqueue queued ${queued} events only`);
      }
    };
    const consume = async (queue: RedisQueue) => {
      while (acked < shape.events && !stop) {
        deadline.check(progress);
        const claimed = await queue.claim({ max: shape.claimBatch, waitMs: 200 });
        if (claimed.length === 0) continue;
        claims++;
        if (claimed.length < shape.claimBatch) shortClaims++;
        await queue.ack(claimed);
        acked += claimed.length;
      }
    };

    const meter = await startCpuMeter(redis);
    const started = performance.now();
    const loops = [produce(), ...consumers.map(consume)];
    try {
      await Promise.all(loops);
    } finally {
      // On a failure, let every loop see `stop` (a claim waits 200 ms at most) before the connections close.
      stop = true;
      await Promise.allSettled(loops);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = await meter.stop();
    if (acked !== shape.events) throw new Error(`acked ${acked} events, expected ${shape.events}`);
    const left = await connections[0].zcard(redisQueueKeys(options.name).leases);
    if (left !== 0) throw new Error(`${left} events still leased after the run`);
    return { seconds, eventsPerS: shape.events / seconds, claims, shortClaims, cpu };
  } finally {
    await producer.clear().catch(() => undefined);
    for (const queue of [producer, ...consumers]) await queue.close();
    for (const client of connections) client.disconnect();
  }
}
