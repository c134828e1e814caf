import { afterEach, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { BreakerActor } from '../../../../src/actors/breaker/call-through-breaker.ts';
import { runPoll } from '../../../../src/actors/connector/create-poll-logic.ts';
import type { CursorStore } from '../../../../src/actors/cursor/cursor-store.ts';
import { CachedDocumentStateStore } from '../../../../src/actors/cursor/cached-document-state-store.ts';
import { MemoryDocumentStateStore } from '../../../../src/actors/cursor/memory-document-state-store.ts';
import { silentLogger } from '../../../../src/actors/log/logger.ts';
import type { IngestionQueue } from '../../../../src/actors/queue/ingestion-queue.ts';
import { QueueUnavailableError } from '../../../../src/actors/queue/queue-errors.ts';
import { GithubSource, UNSETTLED_BLOB } from '../../../../src/actors/sources/github/github-source.ts';
import { githubOptionsOf } from '../../../../src/actors/sources/github/github-options.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';
import { circuitBreakerMachine } from '../../../../src/machines/circuit-breaker.machine.ts';
import type { IngestionEvent } from '../../../../src/model/ingestion-event.ts';
import { type FakeGithub, startFakeGithub } from '../../../support/fake-github.ts';

let github: FakeGithub | undefined;
afterEach(async () => github?.close());

/**
 * What an enqueue does: `ok`; `landed`, stored and then reported as failed (a Redis command that timed out on the
 * client while the server, hung in DEBUG SLEEP, ran it later); `lost`, reported as failed and not stored.
 */
type EnqueueFate = 'ok' | 'landed' | 'lost';

/** A queue that dedupes by id like the real ones; the next enqueues meet the fates given to `script`. */
function landingQueue() {
  const queued: IngestionEvent[] = [];
  const ids = new Set<string>();
  let fates: EnqueueFate[] = [];
  const queue = {
    name: 'test',
    leaseMs: 60_000,
    async enqueue(events: IngestionEvent[]) {
      const fate = fates.shift() ?? 'ok';
      if (fate === 'lost') throw new QueueUnavailableError(new Error('Command timed out'));
      const fresh = events.filter((e) => !ids.has(e.id));
      for (const e of fresh) ids.add(e.id);
      queued.push(...fresh);
      if (fate === 'landed') throw new QueueUnavailableError(new Error('Command timed out'));
      return { queued: fresh.length, duplicates: events.length - fresh.length };
    },
  } as unknown as IngestionQueue;
  return {
    queue,
    /** What the stores end with once the workers applied every queued event in enqueue order: docId → content. */
    stores(): Map<string, string> {
      const docs = new Map<string, string>();
      for (const e of queued) {
        if (e.kind === 'upsert') docs.set(e.docId, e.content ?? '');
        else docs.delete(e.docId);
      }
      return docs;
    },
    script(...next: EnqueueFate[]): void {
      fates = next;
    },
  };
}

/** The connector's polls of the fake repository: real source, breaker, poll logic and cached state store; cursors in memory. */
function connector(fake: FakeGithub, batchSize = 100) {
  const config = connectorSchema.parse({ metadata: { owner: 'octo', repo: 'handbook', docs_path: 'docs', api_url: fake.url, max_deletion_share: 1 } });
  const source = new GithubSource('gh', githubOptionsOf('gh', config), silentLogger);
  const breaker = createActor(circuitBreakerMachine, { input: { enabled: true, failureThreshold: 100, timeoutMs: 60_000 } }).start() as BreakerActor;
  const queue = landingQueue();
  let saved: unknown = null;
  let cursorFailures = 0;
  const cursors: CursorStore = {
    get: async () => saved,
    set: async (_name, cursor) => {
      if (cursorFailures > 0) {
        cursorFailures--;
        throw new QueueUnavailableError(new Error('Stream isn’t writeable and enableOfflineQueue options is false'));
      }
      saved = cursor;
    },
    delete: async () => {
      saved = null;
    },
  };
  const states = new MemoryDocumentStateStore();
  const deps = {
    sources: new Map([['gh', { source, batchSize }]]),
    cursors,
    states: new CachedDocumentStateStore(states),
    queue: queue.queue,
  };
  return {
    queue,
    /** The next `n` cursor writes fail, as the Redis cursor store's do while Redis restarts. */
    failCursorWrites(n: number) {
      cursorFailures = n;
    },
    get cursor() {
      return saved;
    },
    /** The per-document state as stored: path → blob sha. */
    stored: async () => Object.fromEntries(await states.load('gh')),
    poll: () => runPoll(deps, { name: 'gh', webhooks: [] }, breaker, new AbortController().signal),
  };
}

/** What the stores must hold for the repository's files: docId → content. */
const expected = (files: Record<string, string>) => new Map(Object.entries(files).map(([path, content]) => [`gh:${path}`, content]));

describe('a GitHub poll whose enqueue failed on the client but landed in the queue', () => {
  it('still deletes a backfilled document renamed away before the retry', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/doc-0.md': '# zero\n', 'docs/doc-1.md': '# one\n' } });
    const c = connector(github);
    c.queue.script('landed');
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    expect(await c.stored()).toEqual({ 'docs/doc-0.md': UNSETTLED_BLOB, 'docs/doc-1.md': UNSETTLED_BLOB });
    github.rename('docs/doc-0.md', 'docs/doc-1.md');
    await c.poll();
    expect(c.queue.stores()).toEqual(expected({ 'docs/doc-1.md': '# zero\n' }));
    // Settled: the marks are gone, and the next poll is the one conditional request again (answered 304).
    expect(Object.keys(await c.stored())).toEqual(['docs/doc-1.md']);
    expect(Object.values(await c.stored())).not.toContain(UNSETTLED_BLOB);
    const requests = github.requests.length;
    expect(await c.poll()).toMatchObject({ received: 0 });
    expect(github.requests.slice(requests).map((r) => r.status)).toEqual([304]);
  });

  it('still deletes a document added by the failed poll and removed before the retry', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': '# a\n' } });
    const c = connector(github);
    await c.poll();
    github.commit({ 'docs/b.md': '# b\n' });
    c.queue.script('landed');
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    github.commit({ 'docs/b.md': null });
    await c.poll();
    expect(c.queue.stores()).toEqual(expected({ 'docs/a.md': '# a\n' }));
  });

  it('rewrites a document the failed poll changed and a later commit changed back', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': '# a v1\n', 'docs/b.md': '# b\n' } });
    const c = connector(github);
    await c.poll();
    github.commit({ 'docs/a.md': '# a v2\n', 'docs/b.md': null });
    c.queue.script('landed');
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    github.commit({ 'docs/a.md': '# a v1\n', 'docs/b.md': '# b\n' });
    await c.poll();
    expect(c.queue.stores()).toEqual(expected({ 'docs/a.md': '# a v1\n', 'docs/b.md': '# b\n' }));
  });

  it('still deletes what the first batch of a poll that failed at its second batch put in the queue', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': '# a\n' } });
    const c = connector(github, 1);
    await c.poll();
    github.commit({ 'docs/b.md': '# b\n', 'docs/c.md': '# c\n' });
    c.queue.script('ok', 'lost');
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    github.commit({ 'docs/b.md': null, 'docs/c.md': null });
    await c.poll();
    expect(c.queue.stores()).toEqual(expected({ 'docs/a.md': '# a\n' }));
  });
});

describe('a GitHub poll whose cursor write failed after its events and per-document state were saved', () => {
  it('still deletes a backfilled document removed before the next poll', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/doc-0.md': '# zero\n', 'docs/doc-1.md': '# one\n' } });
    const c = connector(github);
    c.failCursorWrites(1);
    await expect(c.poll()).rejects.toThrow(QueueUnavailableError);
    expect(c.cursor).toBeNull();
    github.commit({ 'docs/doc-0.md': null });
    await c.poll();
    expect(c.queue.stores()).toEqual(expected({ 'docs/doc-1.md': '# one\n' }));
    expect(c.cursor).not.toBeNull();
  });
});
