import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
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
  root = await mkdtemp(join(tmpdir(), 'inlet-local-cursor-write-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

/**
 * A local connector's polls through the real poll logic: a queue that dedupes by id, per-document state in memory, and
 * a cursor store whose next writes fail as the Redis one does while Redis restarts (the state write before them landed).
 * The mass-deletion guard is off, as in the convergence test: these folders are too small for a share.
 */
function connector() {
  const source = new LocalFolderSource({ name: 'docs', root, extensions: ['.md'], maxDeletionShare: 1 });
  const breaker = createActor(circuitBreakerMachine, { input: { enabled: true, failureThreshold: 100, timeoutMs: 60_000 } }).start() as BreakerActor;
  const queued: IngestionEvent[] = [];
  const queue = {
    name: 'test',
    leaseMs: 60_000,
    async enqueue(events: IngestionEvent[]) {
      const fresh = events.filter((e) => !queued.some((q) => q.id === e.id));
      queued.push(...fresh);
      return { queued: fresh.length, duplicates: events.length - fresh.length };
    },
  } as unknown as IngestionQueue;
  let saved: unknown = null;
  let failures = 0;
  const cursors: CursorStore = {
    get: async () => saved,
    set: async (_name, cursor) => {
      if (failures > 0) {
        failures--;
        throw new QueueUnavailableError(new Error('Stream isn’t writeable and enableOfflineQueue options is false'));
      }
      saved = cursor;
    },
    delete: async () => {
      saved = null;
    },
  };
  const deps = { sources: new Map([['docs', { source, batchSize: 100 }]]), cursors, states: new MemoryDocumentStateStore(), queue };
  return {
    /** The next `n` cursor writes fail. */
    failCursorWrites(n: number) {
      failures = n;
    },
    get cursor() {
      return saved;
    },
    /** What the stores end with once the workers applied every queued event in enqueue order: docId → content. */
    stores(): Map<string, string> {
      const docs = new Map<string, string>();
      for (const e of queued) {
        if (e.kind === 'upsert') docs.set(e.docId, e.content ?? '');
        else docs.delete(e.docId);
      }
      return docs;
    },
    poll: () => runPoll(deps, { name: 'docs', webhooks: [] }, breaker, new AbortController().signal),
  };
}

describe('a local poll whose cursor write failed after its events and per-document state were saved', () => {
  it('still deletes a backfilled file removed before the next poll', async () => {
    await writeFile(join(root, 'doc-0.md'), '# zero\n');
    await writeFile(join(root, 'doc-1.md'), '# one\n');
    const c = connector();
    c.failCursorWrites(1);
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    expect(c.cursor).toBeNull();
    await unlink(join(root, 'doc-0.md'));
    await c.poll();
    expect(c.stores()).toEqual(new Map([['docs:doc-1.md', '# one\n']]));
    expect(c.cursor).not.toBeNull();
  });

  it('still deletes the files two such polls enqueued once they are gone', async () => {
    await writeFile(join(root, 'doc-0.md'), '# zero\n');
    const c = connector();
    c.failCursorWrites(2);
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    await writeFile(join(root, 'doc-1.md'), '# one\n');
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    await unlink(join(root, 'doc-0.md'));
    await unlink(join(root, 'doc-1.md'));
    await c.poll();
    expect(c.stores()).toEqual(new Map());
  });
});
