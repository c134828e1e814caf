import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { ConnectorManager } from '../../../src/actors/system/connector-manager.ts';
import { openBackends } from '../../../src/actors/system/open-backends.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Event-loop turns (not wall-clock time) until `check` holds. */
async function untilInTurns(what: string, check: () => boolean, turns = 10_000): Promise<void> {
  for (let turn = 0; turn < turns && !check(); turn++) await new Promise((resolve) => setImmediate(resolve));
  if (!check()) throw new Error(`never happened: ${what}`);
}

describe('ConnectorManager.stop()', () => {
  it('aborts a slow poll and resolves only after it ended; the poll enqueues and saves nothing more', async () => {
    dir = mkdtempSync(join(tmpdir(), 'inlet-stop-'));
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    for (const name of ['a', 'b', 'c']) writeFileSync(join(docs, `${name}.md`), `# ${name}\n`);
    const config = parseConfig(
      `connectors:
  docs:
    kind: local
    batch_size: 1
    poll_interval_seconds: 3600
    metadata: { path: ${JSON.stringify(docs)} }
queue:
  name: "test:${randomUUID()}:ingestion:queue"
storage:
  path: ${JSON.stringify(join(dir, 'inlet.db'))}
`,
      'stop-test',
      {},
    );
    const backends = await openBackends(null, config);
    // The order things happen in, as the queue, the cursor store and the backends see it.
    const log: string[] = [];
    let releaseEnqueue!: () => void;
    const enqueueGate = new Promise<void>((resolve) => (releaseEnqueue = resolve));
    const enqueue = backends.queue.enqueue.bind(backends.queue);
    backends.queue.enqueue = async (events: IngestionEvent[]) => {
      log.push(`enqueue ${events.map((e) => e.path).join(',')}`);
      await enqueueGate; // a slow queue: the first batch is in flight when stop() is called
      const result = await enqueue(events);
      log.push('enqueue returned');
      return result;
    };
    const setCursor = backends.cursors.set.bind(backends.cursors);
    backends.cursors.set = async (name, cursor) => {
      log.push('cursor saved');
      return setCursor(name, cursor);
    };
    const close = backends.close.bind(backends);
    backends.close = async () => {
      log.push('backends closed');
      return close();
    };
    const manager = new ConnectorManager(null, config, { backends, workerCount: 0, monitorIntervalMs: 100 });
    await manager.startPolling();
    await untilInTurns('the first batch is being enqueued', () => log.length === 1);

    let stopped = false;
    const stopping = manager.stop().then(() => (stopped = true));
    const connector = manager.root.system.get('connector:docs') as AnyActorRef | undefined;
    await untilInTurns('the connector stopped', () => connector?.getSnapshot().value === 'stopped');
    // Turns enough for a stop() that did not wait to have closed the backends by now.
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(log).toEqual(['enqueue a.md']);

    releaseEnqueue();
    await stopping;
    // The batch in flight finished; the aborted poll then queued no other batch and saved no cursor.
    expect(log).toEqual(['enqueue a.md', 'enqueue returned', 'backends closed']);
  });
});
