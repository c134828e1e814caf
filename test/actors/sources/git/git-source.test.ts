import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/actors/log/logger.ts';
import type { PollResult } from '../../../../src/actors/sources/document-source.ts';
import { isGitCommandError } from '../../../../src/actors/sources/git/git-command-error.ts';
import { gitOptionsOf } from '../../../../src/actors/sources/git/git-options.ts';
import { GitSource } from '../../../../src/actors/sources/git/git-source.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';
import { createGitRemote, type GitRemote } from './git-remote.ts';

let remote: GitRemote | undefined;
afterEach(() => remote?.close());

const HOUR = 3_600_000;

/**
 * A Git connector over `remote` with one saved cursor, its per-document state (applied as the poll logic does) and a
 * simulated clock; `configure` restarts it with other metadata.
 */
function connector(git: GitRemote) {
  let cursor: unknown = null;
  const documents = new Map<string, string>();
  let now = Date.parse('2026-01-01T00:00:00Z');
  let source: GitSource | undefined;
  return {
    get cursor() {
      return cursor as Record<string, unknown>;
    },
    documents,
    advance(ms: number) {
      now += ms;
    },
    configure(metadata: Record<string, unknown> = {}) {
      const config = connectorSchema.parse({ metadata: { url: git.url, docs_path: 'docs', clone_dir: git.cloneDir, ...metadata } });
      source = new GitSource('repo', gitOptionsOf('repo', config), silentLogger, () => now);
      return source;
    },
    async poll(signal = new AbortController().signal): Promise<PollResult> {
      source ??= this.configure();
      const result = await source.poll({ cursor, documents, webhooks: [], signal, guard: (call) => call(signal) });
      cursor = result.nextCursor;
      for (const [path, sha] of Object.entries(result.documents?.set ?? {})) documents.set(path, sha);
      for (const path of result.documents?.delete ?? []) documents.delete(path);
      return result;
    },
  };
}

const summary = (result: PollResult) => result.events.map((e) => `${e.kind} ${e.path}`).sort();

describe('Git source', () => {
  it('backfills the Markdown files under docs_path at the tip of the default branch, with their content', async () => {
    const setup = '# Mise en œuvre\n\nÉtape 1.\n\n\n';
    remote = createGitRemote({ 'docs/intro.md': '# Intro\n', 'docs/copy.md': '# Intro\n', 'docs/guide/setup.mdx': setup, 'docs/logo.png': 'png', 'README.md': '# Repo\n' });
    const c = connector(remote);
    const result = await c.poll();
    expect(summary(result)).toEqual(['upsert docs/copy.md', 'upsert docs/guide/setup.mdx', 'upsert docs/intro.md']);
    expect(result.events.find((e) => e.path === 'docs/intro.md')).toMatchObject({ docId: 'repo:docs/intro.md', source: 'repo', content: '# Intro\n' });
    expect(result.events.find((e) => e.path === 'docs/copy.md')?.content).toBe('# Intro\n');
    expect(result.events.find((e) => e.path === 'docs/guide/setup.mdx')?.content).toBe(setup);
    expect(c.cursor).toMatchObject({ version: 1, scope: { url: remote.url, branch: 'main', docsPath: 'docs', patterns: ['.md', '.mdx'] } });
  });

  it('turns an edit, a rename and a deletion into upserts and deletes, and an unmoved branch into nothing', async () => {
    remote = createGitRemote({ 'docs/a.md': '# A\n', 'docs/b.md': '# B\n\nlong enough to be found as renamed\n', 'docs/c.md': '# C\n' });
    const c = connector(remote);
    await c.poll();
    remote.write({ 'docs/a.md': '# A, edited\n' });
    remote.rename('docs/b.md', 'docs/moved/b.md');
    remote.remove('docs/c.md');
    const head = remote.push('edit, rename, delete');
    const result = await c.poll();
    expect(summary(result)).toEqual(['delete docs/b.md', 'delete docs/c.md', 'upsert docs/a.md', 'upsert docs/moved/b.md']);
    expect(result.events.find((e) => e.path === 'docs/a.md')?.content).toBe('# A, edited\n');
    expect(c.cursor).toEqual({ version: 1, scope: expect.any(Object), head, lastReconcile: expect.any(String) });
    // Only what changed is written: the edit, the rename's two paths and the deletion; nothing of the others.
    expect(result.documents).toEqual({ set: { 'docs/a.md': expect.any(String), 'docs/moved/b.md': expect.any(String) }, delete: expect.arrayContaining(['docs/b.md', 'docs/c.md']) });
    expect(result.documents?.delete).toHaveLength(2);
    expect([...c.documents.keys()].sort()).toEqual(['docs/a.md', 'docs/moved/b.md']);

    const before = c.cursor;
    const idle = await c.poll();
    expect(idle.events).toEqual([]);
    expect(idle.nextCursor).toBe(before);
    expect(idle.documents).toBeUndefined();
  });

  it('ignores commits that change nothing under docs_path', async () => {
    remote = createGitRemote({ 'docs/a.md': '# A\n', 'src/index.ts': '' });
    const c = connector(remote);
    await c.poll();
    remote.write({ 'src/index.ts': 'export {};\n', 'docs/notes.txt': 'not a document' });
    remote.push('code only');
    expect((await c.poll()).events).toEqual([]);
  });

  it('diffs the tree with the documents held when the clone lost the last commit, and after a force push', async () => {
    remote = createGitRemote({ 'docs/a.md': '# A\n', 'docs/b.md': '# B\n' });
    const c = connector(remote);
    await c.poll();
    remote.remove('docs/b.md');
    remote.write({ 'docs/a.md': '# A rewritten\n' });
    remote.push('rewritten history', { amend: true });
    rmSync(remote.cloneDir, { recursive: true, force: true });
    expect(summary(await c.poll())).toEqual(['delete docs/b.md', 'upsert docs/a.md']);
    remote.write({ 'docs/b.md': '# B is back\n' });
    remote.push('force again', { amend: true });
    expect(summary(await c.poll())).toEqual(['upsert docs/b.md']);
  });

  it('backfills a changed docs_path and deletes the documents outside it', async () => {
    remote = createGitRemote({ 'docs/intro.md': 'i', 'docs/guides/g1.md': '1', 'docs/guides/g2.md': '2', 'docs/guides/g3.md': '3', 'docs/guides/g4.md': '4' });
    const c = connector(remote);
    await c.poll();
    c.configure({ docs_path: 'docs/guides' });
    expect(summary(await c.poll())).toEqual(['delete docs/intro.md', 'upsert docs/guides/g1.md', 'upsert docs/guides/g2.md', 'upsert docs/guides/g3.md', 'upsert docs/guides/g4.md']);
    expect(c.cursor).toMatchObject({ scope: { docsPath: 'docs/guides' } });
  });

  it('follows metadata.branch, a new scope when it changes', async () => {
    const shared = { 'docs/main.md': 'm', 'docs/1.md': '1', 'docs/2.md': '2', 'docs/3.md': '3', 'docs/4.md': '4' };
    remote = createGitRemote(shared);
    remote.write({ 'docs/next.md': 'n' });
    remote.push('next only', { branch: 'next' });
    const c = connector(remote);
    c.configure({ branch: 'next' });
    const all = Object.keys(shared).map((p) => `upsert ${p}`);
    expect(summary(await c.poll())).toEqual([...all, 'upsert docs/next.md'].sort());
    c.configure({ branch: 'main' });
    expect(summary(await c.poll())).toEqual(['delete docs/next.md', ...all].sort());
  });

  it('keeps the documents when a reconcile finds most of them gone at once, and deletes a few', async () => {
    remote = createGitRemote({ 'docs/a.md': 'a', 'docs/b.md': 'b', 'docs/c.md': 'c', 'docs/d.md': 'd', 'docs/e.md': 'e', 'docs/f.md': 'f' });
    const c = connector(remote);
    await c.poll();
    // The state holds documents the tree never had: a reconcile must not trust a listing that loses most of them.
    const invented = Array.from({ length: 20 }, (_, i) => `docs/old-${i}.md`);
    for (const path of invented) c.documents.set(path, 'x'.repeat(40));
    c.advance(25 * HOUR);
    const tripped = await c.poll();
    expect(tripped.events).toEqual([]);
    expect([...c.documents.keys()]).toEqual(expect.arrayContaining(invented));
    // With most of them gone from the state, the next due reconcile deletes the few left.
    for (const path of invented.slice(1)) c.documents.delete(path);
    c.advance(25 * HOUR);
    expect(summary(await c.poll())).toEqual(['delete docs/old-0.md']);
  });

  it('shows the remote in health without the credentials its URL may carry', () => {
    remote = createGitRemote({ 'docs/a.md': 'a' });
    const source = connector(remote).configure({ url: 'https://user:glpat-secret@gitlab.example.com/org/handbook.git' });
    expect(source.health()).toMatchObject({ remote: 'https://***@gitlab.example.com/org/handbook.git', branch: '(remote default)' });
    expect(JSON.stringify(source.health())).not.toContain('glpat-secret');
  });

  it('refuses a remote that does not exist as a permanent failure, not an outage', async () => {
    remote = createGitRemote({ 'docs/a.md': 'a' });
    const c = connector(remote);
    const source = c.configure({ url: `${remote.url}-missing`, branch: 'main' });
    const error = await c.poll().catch((e: unknown) => e);
    expect(isGitCommandError(error) && error.retryable).toBe(false);
    expect(source.isOutage(error)).toBe(false);
  });

  it('stops git when the poll is abandoned, and when a command outlives timeout_seconds', async () => {
    remote = createGitRemote({ 'docs/a.md': 'a' });
    const c = connector(remote);
    const aborted = new AbortController();
    aborted.abort();
    const error = await c.poll(aborted.signal).catch((e: unknown) => e);
    expect(isGitCommandError(error) && error.message).toContain('aborted');

    const slow = c.configure({ timeout_seconds: 0.001 });
    const late = await c.poll().catch((e: unknown) => e);
    expect(isGitCommandError(late) && late.message).toContain('did not finish within 1 ms');
    expect(slow.isOutage(late)).toBe(true);
  });
});
