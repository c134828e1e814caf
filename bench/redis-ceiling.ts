import { execFile } from 'node:child_process';
import { Redis } from 'ioredis';
import { type CpuShare, startCpuMeter } from './cpu-meter.ts';
import type { Deadline } from './deadline.ts';
import type { PrivateRedis } from './redis-server.ts';
import { smallEvents } from './small-events.ts';

/** What the bare Redis server sustains on this machine in this run, the ceiling the queue figures compare with. */
export interface RedisCeiling {
  /** `redis-benchmark -t lpush -n 100000 -q` (50 clients, no pipelining), requests per second. */
  lpushOpsPerS: number;
  /** Node + ioredis, one connection: RPUSH + LMOVE + LREM per entry, pipelined 500 entries at a time; entries/s. */
  lmoveLoopEventsPerS: number;
  lmoveLoopCpu: CpuShare;
}

/** Runs `redis-benchmark` against the private server and parses its `-q` line. */
export function redisBenchmarkLpush(redis: PrivateRedis, requests: number, timeoutMs: number): Promise<number> {
  const args = ['-h', redis.host, '-p', String(redis.port), '-t', 'lpush', '-n', String(requests), '-q'];
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) => {
      if (error) return reject(new Error(`redis-benchmark ${args.join(' ')} failed: ${error.message}`));
      // With -q the progress lines end in \r; the last LPUSH figure is the final one.
      const figures = [...stdout.matchAll(/LPUSH:\s*([\d.]+)\s+requests per second/g)];
      const last = figures.at(-1);
      if (!last) return reject(new Error(`could not parse redis-benchmark output: ${JSON.stringify(stdout.slice(-200))}`));
      resolve(Number(last[1]));
    });
  });
}

/**
 * The list moves a leased queue needs at minimum, with no Lua, no leases zset and no dedupe: entries per second,
 * with the CPU shares of the timed section (this loop is bound by the Node side, which builds every command).
 */
export async function lmoveLoop(redis: PrivateRedis, count: number, deadline: Deadline): Promise<{ eventsPerS: number; cpu: CpuShare }> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const ready = `bench:ceiling:${process.pid}`;
  const processing = `${ready}:processing`;
  try {
    await client.ping();
    const entries = smallEvents(count, 'ceiling').map((event) => JSON.stringify(event));
    const chunk = 500;
    const meter = await startCpuMeter(redis);
    const started = performance.now();
    for (let offset = 0; offset < entries.length; offset += chunk) {
      deadline.check(() => `LMOVE loop at ${offset}/${count}`);
      const slice = entries.slice(offset, offset + chunk);
      const pipeline = client.pipeline();
      pipeline.rpush(ready, ...slice);
      for (let i = 0; i < slice.length; i++) pipeline.lmove(ready, processing, 'LEFT', 'RIGHT');
      for (const entry of slice) pipeline.lrem(processing, 1, entry);
      const replies = await pipeline.exec();
      const failed = replies?.find(([error]) => error);
      if (failed) throw failed[0];
    }
    const seconds = (performance.now() - started) / 1000;
    return { eventsPerS: count / seconds, cpu: await meter.stop() };
  } finally {
    await client.del(ready, processing).catch(() => undefined);
    client.disconnect();
  }
}

/** Both ceilings, measured on the same private server the queue benchmarks use. */
export async function measureRedisCeiling(redis: PrivateRedis, count: number, deadline: Deadline): Promise<RedisCeiling> {
  const lpushOpsPerS = await redisBenchmarkLpush(redis, count, Math.max(1000, Math.floor(deadline.remainingMs())));
  // redis-benchmark leaves its key behind; the queue benchmarks start from an empty server.
  const cleanup = new Redis(redis.url);
  await cleanup.flushall();
  cleanup.disconnect();
  const loop = await lmoveLoop(redis, count, deadline);
  return { lpushOpsPerS, lmoveLoopEventsPerS: loop.eventsPerS, lmoveLoopCpu: loop.cpu };
}
