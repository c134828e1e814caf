import { afterEach, describe, expect, it } from 'vitest';
import { MemoryDocumentStateStore } from '../../../../src/actors/cursor/memory-document-state-store.ts';
import { silentLogger } from '../../../../src/actors/log/logger.ts';
import type { PollResult } from '../../../../src/actors/sources/document-source.ts';
import { githubOptionsOf } from '../../../../src/actors/sources/github/github-options.ts';
import { GithubSource } from '../../../../src/actors/sources/github/github-source.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';
import { type FakeGithub, startFakeGithub } from '../../../support/fake-github.ts';

let github: FakeGithub | undefined;
afterEach(async () => github?.close());

const HOUR = 3_600_000;

/** A connector whose configuration can change between polls, as after an edit and a restart; one saved cursor, its per-document state and a simulated clock. */
function connector(fake: FakeGithub) {
  let cursor: unknown = null;
  const documents = new MemoryDocumentStateStore();
  let now = Date.parse('2026-01-01T00:00:00Z');
  let source: GithubSource | undefined;
  return {
    get cursor() {
      return cursor;
    },
    set cursor(value: unknown) {
      cursor = value;
    },
    documents,
    advance(ms: number) {
      now += ms;
    },
    /** Starts (or restarts) the connector with this metadata. */
    configure(metadata: Record<string, unknown> = {}) {
      const config = connectorSchema.parse({ metadata: { owner: 'octo', repo: 'handbook', docs_path: 'docs', api_url: fake.url, ...metadata } });
      source = new GithubSource('gh', githubOptionsOf('gh', config), silentLogger, () => now);
      return source;
    },
    async poll(webhooks: { deliveryId: string; event: string; payload: unknown }[] = []): Promise<PollResult> {
      source ??= this.configure();
      const signal = new AbortController().signal;
      const result = await source.poll({ cursor, documents: await documents.load('gh'), webhooks, signal, guard: (call) => call(signal) });
      if (result.documents) await documents.apply('gh', result.documents);
      cursor = result.nextCursor;
      return result;
    },
  };
}

const summary = (result: PollResult) => result.events.map((e) => `${e.kind} ${e.path}`).sort();
const guides = { 'docs/guides/g1.md': '1', 'docs/guides/g2.md': '2', 'docs/guides/g3.md': '3', 'docs/guides/g4.md': '4' };

describe('GitHub cursor bound to its scope', () => {
  it('backfills a changed docs_path and deletes the documents of the old one that are not in the new one', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { ...guides, 'docs/intro.md': 'i', 'other/x.md': 'x' } });
    const c = connector(github);
    await c.poll();
    c.configure({ docs_path: 'docs/guides' });
    expect(summary(await c.poll())).toEqual(['delete docs/intro.md', ...Object.keys(guides).map((p) => `upsert ${p}`)]);
    expect(c.cursor).toMatchObject({ version: 2, scope: { docsPath: 'docs/guides', branch: 'main', repo: 'handbook' } });
    expect((await c.poll()).events).toEqual([]);
  });

  it('backfills a changed branch and deletes the documents only on the old one', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { ...guides, 'docs/old.md': 'o' } });
    github.commit({ 'docs/old.md': null, 'docs/new.md': 'n' }, { branch: 'next' });
    const c = connector(github);
    await c.poll();
    c.configure({ branch: 'next' });
    expect(summary(await c.poll())).toEqual(['delete docs/old.md', ...Object.keys(guides).map((p) => `upsert ${p}`), 'upsert docs/new.md'].sort());
  });

  it('keeps the documents of a changed repo when too many would go at once, and deletes them at a reconcile once the share allows', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a', 'docs/b.md': 'b' }, otherRepos: { wiki: { 'docs/a.md': 'wiki a' } } });
    const c = connector(github);
    await c.poll();
    const source = c.configure({ repo: 'wiki' });
    const moved = await c.poll();
    // Half the held documents missing is past the default share of 0.2: the guard refuses, the new repo is still read.
    expect(summary(moved)).toEqual(['upsert docs/a.md']);
    expect(moved.events[0]!.content).toBe('wiki a');
    expect(source.health()).toMatchObject({ deletion_guard: 'tripped: 1 of 2 pages missing', held_missing: 1 });
    expect((await c.documents.load('gh')).has('docs/b.md')).toBe(true);
    c.configure({ repo: 'wiki', max_deletion_share: 0.5 });
    c.advance(24 * HOUR);
    expect(summary(await c.poll())).toEqual(['delete docs/b.md']);
  });

  it('deletes at the next reconcile a file removed without a push hint, and not before reconcile_hours', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: guides });
    const c = connector(github);
    c.configure({ docs_path: 'docs/guides', reconcile_hours: 6 });
    await c.poll();
    const before = github.headOf();
    github.commit({ 'docs/guides/late.md': 'l' });
    expect(summary(await c.poll())).toEqual(['upsert docs/guides/late.md']);
    // The branch goes back without a webhook: compare answers `behind` with no files, so a delta cannot see it.
    github.resetTo(before);
    expect((await c.poll()).events).toEqual([]);
    c.advance(6 * HOUR - 1);
    expect((await c.poll()).events).toEqual([]);
    c.advance(1);
    expect(summary(await c.poll())).toEqual(['delete docs/guides/late.md']);
    expect(github.requests.filter((r) => r.path.includes('/git/trees/')).length).toBe(2);
  });

  it('reconciles even while the branch is idle, with one unconditional head request and one tree listing', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: guides });
    const c = connector(github);
    c.configure({ docs_path: 'docs/guides' });
    await c.poll();
    // A document the connector holds but the tree no longer lists (a change the connector missed).
    await c.documents.apply('gh', { set: { 'docs/guides/missed.md': 'f'.repeat(40) }, delete: [] });
    expect((await c.poll()).events).toEqual([]);
    c.advance(24 * HOUR);
    const requestsBefore = github.requests.length;
    expect(summary(await c.poll())).toEqual(['delete docs/guides/missed.md']);
    expect(github.requests.slice(requestsBefore).map((r) => r.status)).toEqual([200, 200]);
    expect((await c.poll()).events).toEqual([]);
  });

  it('reads a cursor written before scopes as an unknown scope: backfills, then deletes what it held that is gone', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { ...guides, 'docs/intro.md': 'i' } });
    const c = connector(github);
    c.cursor = { branch: 'main', head: 'a'.repeat(40), etag: null, blobs: { ...Object.fromEntries(Object.keys(guides).map((p) => [p, 'b'.repeat(40)])), 'docs/intro.md': 'b'.repeat(40), 'docs/gone.md': 'c'.repeat(40) } };
    const first = await c.poll();
    expect(summary(first)).toEqual(['delete docs/gone.md', ...Object.keys(guides).map((p) => `upsert ${p}`), 'upsert docs/intro.md']);
    expect(c.cursor).toMatchObject({ version: 2, scope: { owner: 'octo', repo: 'handbook', branch: 'main', docsPath: 'docs', patterns: ['.md', '.mdx'] } });
    expect((await c.poll()).events).toEqual([]);
  });
});

describe('GitHub cursor format migration', () => {
  it('moves the blobs of a version 1 cursor into the per-document state at the next poll, even an idle one, re-ingesting nothing', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/intro.md': 'i', ...guides } });
    const before = connector(github);
    await before.poll();
    const held = new Map(await before.documents.load('gh'));
    expect(held.size).toBe(5);

    const after = connector(github);
    after.cursor = { ...(before.cursor as object), version: 1, blobs: Object.fromEntries(held) };
    const migrated = await after.poll();
    expect(migrated.events).toEqual([]);
    expect(github.requests.at(-1)?.status).toBe(304);
    expect(new Map(Object.entries(migrated.documents!.set))).toEqual(held);
    expect(after.cursor).toEqual({ version: 2, scope: expect.any(Object), branch: 'main', head: expect.any(String), etag: expect.any(String), lastReconcile: expect.any(String) });
    github.commit({ 'docs/intro.md': 'changed' });
    expect(summary(await after.poll())).toEqual(['upsert docs/intro.md']);
  });
});
