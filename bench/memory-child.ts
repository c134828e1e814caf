// Runs in its own process (`node --expose-gc --import tsx bench/memory-child.ts <mode>`) so the parent's heap
// is not counted. Prints one JSON line on stdout. Modes import what they measure dynamically, so `tsx-only`
// really loads nothing but the TypeScript loader.
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MemorySample, sampleMemory } from './memory-sample.ts';

/** How long the process idles before a sample (ms). */
const SETTLE_MS = 3000;

async function listening(server: Server): Promise<number> {
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('server has no address');
  return address.port;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function tsxOnly(): Promise<Record<string, MemorySample>> {
  return { idle: await sampleMemory(SETTLE_MS) };
}

async function bareKoa(): Promise<Record<string, MemorySample>> {
  const { default: Koa } = await import('koa');
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const server = app.listen(0, '127.0.0.1');
  const port = await listening(server);
  const answer = await fetch(`http://127.0.0.1:${port}/`);
  if (!answer.ok) throw new Error(`bare Koa answered ${answer.status}`);
  const idle = await sampleMemory(SETTLE_MS);
  await closeServer(server);
  return { idle };
}

/** The idle service (connector manager with a local connector on an empty folder, HTTP API), then 10k events queued. */
async function service(queuedEvents: number): Promise<Record<string, MemorySample | string | number>> {
  const [{ ConnectorManager }, { createApp }, { silentLogger }, { createBenchConfig }, { markdownEvent }] = await Promise.all([
    import('../src/actors/system/connector-manager.ts'),
    import('../src/http/create-app.ts'),
    import('../src/actors/log/logger.ts'),
    import('./bench-config.ts'),
    import('./markdown-events.ts'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'inlet-bench-memory-'));
  const docsPath = join(dir, 'docs');
  mkdirSync(docsPath);
  const config = createBenchConfig({ storagePath: join(dir, 'inlet.db'), docsPath, maxSize: queuedEvents * 2 });
  // No worker: the events must stay queued for the second sample.
  const manager = new ConnectorManager(null, config, { workerCount: 0 });
  try {
    await manager.startPolling();
    const server = createApp({ manager, logger: silentLogger, adminToken: '' }).listen(0, '127.0.0.1');
    const port = await listening(server);
    const health = await fetch(`http://127.0.0.1:${port}/webhooks/health`);
    if (health.status !== 200) throw new Error(`health answered ${health.status}: ${await health.text()}`);
    const idle = await sampleMemory(SETTLE_MS);

    const batch = 500;
    let bytes = 0;
    for (let offset = 0; offset < queuedEvents; offset += batch) {
      // Built per batch so the bench's own copies are garbage by the time of the sample.
      const events = Array.from({ length: Math.min(batch, queuedEvents - offset) }, (_, i) => markdownEvent(offset + i, queuedEvents, 'memory'));
      for (const event of events) bytes += event.content?.length ?? 0;
      await manager.queue.enqueue(events);
    }
    const stats = await manager.getQueueStats();
    if (stats.size !== queuedEvents) throw new Error(`queue holds ${stats.size} events, expected ${queuedEvents}`);
    const queued = await sampleMemory(SETTLE_MS);
    await closeServer(server);
    return { idle, queued, queueBackend: 'sqlite', queuedEvents, avgContentBytes: Math.round(bytes / queuedEvents) };
  } finally {
    await manager.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(mode: string | undefined): Promise<void> {
  const result = mode === 'tsx-only' ? await tsxOnly() : mode === 'koa' ? await bareKoa() : mode === 'service' ? await service(10_000) : undefined;
  if (!result) throw new Error(`unknown mode '${mode}' (tsx-only, koa, service)`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
