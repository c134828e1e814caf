import { Redis } from 'ioredis';
import type { PrivateRedis } from './redis-server.ts';

/** Where the CPU went during a run: this Node process and the redis-server, in percent of one core. */
export interface CpuShare {
  nodePct: number;
  redisPct: number;
}

/** CPU seconds redis-server has used since it started, over a short-lived connection (nothing left open on failure). */
async function redisCpuSeconds(redis: PrivateRedis): Promise<number> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    const info = await client.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
    return field('used_cpu_user') + field('used_cpu_sys');
  } finally {
    client.disconnect();
  }
}

/**
 * Starts metering; `stop()` returns the shares. With two cores, a side near 100% is the bottleneck of the run
 * (Redis runs commands on one thread, and so does this process's JavaScript).
 */
export async function startCpuMeter(redis: PrivateRedis): Promise<{ stop(): Promise<CpuShare> }> {
  const redisBefore = await redisCpuSeconds(redis);
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  return {
    async stop() {
      const wallS = (performance.now() - started) / 1000;
      const node = process.cpuUsage(nodeBefore);
      const redisS = (await redisCpuSeconds(redis)) - redisBefore;
      return { nodePct: ((node.user + node.system) / 1e6 / wallS) * 100, redisPct: (redisS / wallS) * 100 };
    },
  };
}
