import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ConnectorManager } from '../src/actors/system/connector-manager.ts';
import { openBackends } from '../src/actors/system/open-backends.ts';
import type { IngestionEvent } from '../src/model/ingestion-event.ts';
import { createBenchConfig } from './bench-config.ts';
import type { Deadline } from './deadline.ts';
import type { PrivateRedis } from './redis-server.ts';
import { createTempDir } from './temp-dir.ts';

/** Outcome of one drain. */
export interface WorkerRunResult {
  queueBackend: 'sqlite' | 'redis';
  /** Time to enqueue the corpus (not part of docs/s). */
  enqueueSeconds: number;
  /** From starting the manager to the graph holding every document. */
  seconds: number;
  docsPerS: number;
  /** Documents per CPU-second of this process: steadier than docs/s when other tenants take the cores. */
  docsPerCpuS: number;
}

const POLL_MS = 20;

/** Options of one drain. */
export interface WorkerRunOptions {
  /** Graph store on this Neo4j instead of the embedded one (the vector store stays embedded). */
  neo4j?: { uri: string; user?: string; password?: string };
  /** How often the graph is counted while draining (ms); default 20. Each count is a query the store also has to serve. */
  pollMs?: number;
}

/**
 * Enqueues `events`, then starts a ConnectorManager with no connectors and one worker and times until the graph
 * store holds all of them. The queue is the embedded SQLite one, or Redis when `redis` is given.
 */
export async function benchWorker(events: IngestionEvent[], redis: PrivateRedis | null, deadline: Deadline, options: WorkerRunOptions = {}): Promise<WorkerRunResult> {
  const dir = createTempDir('worker');
  const client = redis ? new Redis(redis.url, { maxRetriesPerRequest: 1 }) : null;
  const config = createBenchConfig({
    storagePath: join(dir.path, 'inlet.db'),
    queueName: `bench:${randomUUID()}:ingestion:queue`,
    maxSize: events.length * 2,
    neo4j: options.neo4j,
  });
  const backends = await openBackends(client, config);
  const manager = new ConnectorManager(client, config, { backends, connectors: [], workerCount: 1 });
  try {
    const enqueueStarted = performance.now();
    for (let offset = 0; offset < events.length; offset += 500) {
      deadline.check(() => `${offset}/${events.length} enqueued`);
      await backends.queue.enqueue(events.slice(offset, offset + 500));
    }
    const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;
    // A Neo4j given by NEO4J_URI may hold other documents: count from what is there (the events' ids must be new to it).
    const baseline = await backends.graph.countDocuments();
    if (baseline !== 0 && !options.neo4j) throw new Error('graph store not empty before the drain');

    let stored = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await manager.start();
    while (stored < events.length) {
      deadline.check(() => `${stored}/${events.length} documents stored`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? POLL_MS));
      stored = (await backends.graph.countDocuments()) - baseline;
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const docsPerCpuS = events.length / ((cpu.user + cpu.system) / 1e6);
    return { queueBackend: redis ? 'redis' : 'sqlite', enqueueSeconds, seconds, docsPerS: events.length / seconds, docsPerCpuS };
  } finally {
    if (redis) await backends.queue.clear().catch(() => undefined);
    // stop() closes the backends; when start() never ran it returns at once, so close them here too.
    await manager.stop();
    await backends.close().catch(() => undefined);
    client?.disconnect();
    dir.remove();
  }
}
