import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { type CpuShare, startCpuMeter } from './cpu-meter.ts';
import type { Deadline } from './deadline.ts';
import type { PrivateRedis } from './redis-server.ts';
import { smallEvents } from './small-events.ts';

/** Shape of the BullMQ run. */
export interface BullmqRunShape {
  events: number;
  /** Jobs per `addBulk`. */
  enqueueBatch: number;
  /** Worker concurrency. */
  concurrency: number;
}

/** Outcome of the BullMQ run. */
export interface BullmqRunResult {
  seconds: number;
  eventsPerS: number;
  cpu: CpuShare;
}

/**
 * The same at-least-once work on BullMQ 6.7.0: `addBulk` batches while one Worker with a no-op processor completes
 * jobs (a job leaves Redis only on completion, `removeOnComplete: true`); timed from the first add to the last
 * completion. Jobs keep BullMQ's own ids: a custom `jobId` (inlet-style dedupe) would only add work on BullMQ's side.
 */
export async function benchBullmq(redis: PrivateRedis, shape: BullmqRunShape, deadline: Deadline): Promise<BullmqRunResult> {
  const name = `bench-${randomUUID()}`;
  const events = smallEvents(shape.events, `bullmq-${randomUUID()}`);
  const queue = new Queue(name, { connection: { host: redis.host, port: redis.port } });
  let completed = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const worker = new Worker(name, async () => undefined, {
    connection: { host: redis.host, port: redis.port, maxRetriesPerRequest: null },
    concurrency: shape.concurrency,
    autorun: false,
  });
  let failure: Error | undefined;
  let stopped = false;
  let producing: Promise<void> = Promise.resolve();
  worker.on('completed', () => {
    completed++;
    if (completed >= shape.events) resolveDone();
  });
  worker.on('failed', (_job, error) => {
    failure = error;
    resolveDone();
  });
  try {
    await queue.waitUntilReady();
    await worker.waitUntilReady();
    const progress = () => `${completed}/${shape.events} completed`;
    const meter = await startCpuMeter(redis);
    const started = performance.now();
    const running = worker.run();
    const produce = async () => {
      for (let offset = 0; offset < events.length && !stopped; offset += shape.enqueueBatch) {
        deadline.check(progress);
        const batch = events.slice(offset, offset + shape.enqueueBatch);
        await queue.addBulk(batch.map((event) => ({ name: 'event', data: event, opts: { removeOnComplete: true } })));
      }
    };
    producing = produce();
    await deadline.race(Promise.all([producing, done]), progress);
    const seconds = (performance.now() - started) / 1000;
    const cpu = await meter.stop();
    if (failure) throw failure;
    await worker.close();
    await running;
    return { seconds, eventsPerS: shape.events / seconds, cpu };
  } finally {
    // An aborted run must not leave the producer adding jobs to a closing queue.
    stopped = true;
    await producing.catch(() => undefined);
    await worker.close(true).catch(() => undefined);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
  }
}
