import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { BreakerActor } from '../../../../src/actors/breaker/call-through-breaker.ts';
import { runPoll } from '../../../../src/actors/connector/create-poll-logic.ts';
import type { CursorStore } from '../../../../src/actors/cursor/cursor-store.ts';
import { MemoryDocumentStateStore } from '../../../../src/actors/cursor/memory-document-state-store.ts';
import type { IngestionQueue } from '../../../../src/actors/queue/ingestion-queue.ts';
import { QueueUnavailableError } from '../../../../src/actors/queue/queue-errors.ts';
import { LocalFolderSource } from '../../../../src/actors/sources/local/local-folder-source.ts';
import { circuitBreakerMachine } from '../../../../src/machines/circuit-breaker.machine.ts';
import type { IngestionEvent } from '../../../../src/model/ingestion-event.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'inlet-local-landed-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

/**
 * A local connector's polls through the real poll logic, with the default mass-deletion guard, and a queue whose next
 * enqueues land and then report failure: what a Redis hung by DEBUG SLEEP does to a client whose command timed out.
 */
function connector() {
  const source = new LocalFolderSource({ name: 'docs', root, extensions: ['.md'] });
  const breaker = createActor(circuitBreakerMachine, { input: { enabled: true, failureThreshold: 100, timeoutMs: 60_000 } }).start() as BreakerActor;
  const queued: IngestionEvent[] = [];
  let landedButFailed = 0;
  const queue = {
    name: 'test',
    leaseMs: 60_000,
    async enqueue(events: IngestionEvent[]) {
      const fresh = events.filter((e) => !queued.some((q) => q.id === e.id));
      queued.push(...fresh);
      if (landedButFailed > 0) {
        landedButFailed--;
        throw new QueueUnavailableError(new Error('Command timed out'));
      }
      return { queued: fresh.length, duplicates: events.length - fresh.length };
    },
  } as unknown as IngestionQueue;
  let saved: unknown = null;
  const cursors: CursorStore = {
    get: async () => saved,
    set: async (_name, cursor) => {
      saved = cursor;
    },
    delete: async () => {
      saved = null;
    },
  };
  const deps = { sources: new Map([['docs', { source, batchSize: 100 }]]), cursors, states: new MemoryDocumentStateStore(), queue };
  return {
    /** The next `n` enqueues land, then fail. */
    landButFail(n: number) {
      landedButFailed = n;
    },
    /** What the stores end with once the workers applied every queued event in enqueue order: the document ids. */
    stored(): string[] {
      const docs = new Set<string>();
      for (const e of queued) {
        if (e.kind === 'upsert') docs.add(e.docId);
        else docs.delete(e.docId);
      }
      return [...docs].sort();
    },
    poll: () => runPoll(deps, { name: 'docs', webhooks: [] }, breaker, new AbortController().signal),
  };
}

describe('a local poll whose enqueue failed but landed', () => {
  it('deletes the backfilled file renamed away before the retry', async () => {
    await writeFile(join(root, 'doc-0.md'), '# zero\n');
    const c = connector();
    c.landButFail(1);
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    expect(c.stored()).toEqual(['docs:doc-0.md']);
    await rename(join(root, 'doc-0.md'), join(root, 'doc-2.md'));
    await c.poll();
    expect(c.stored()).toEqual(['docs:doc-2.md']);
  });

  it('deletes a file written then removed while its upsert was in doubt, and keeps one still there', async () => {
    const c = connector();
    for (let i = 0; i < 6; i++) await writeFile(join(root, `keep-${i}.md`), `# keep ${i}\n`);
    await c.poll();
    await writeFile(join(root, 'brief.md'), '# brief\n');
    await writeFile(join(root, 'stays.md'), '# stays\n');
    c.landButFail(1);
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    await rm(join(root, 'brief.md'));
    await c.poll();
    expect(c.stored()).toEqual([...Array.from({ length: 6 }, (_, i) => `docs:keep-${i}.md`), 'docs:stays.md'].sort());
    // Settled: an idle poll afterwards sends nothing.
    const idle = await c.poll();
    expect(idle.queued).toBe(0);
  });
});
