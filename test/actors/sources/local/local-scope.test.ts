import { mkdir, mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PollResult } from '../../../../src/actors/sources/document-source.ts';
import { connector } from './local-test-kit.ts';

const HOUR = 3_600_000;
let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'inlet-local-scope-'));
});
afterEach(async () => rm(base, { recursive: true, force: true }));

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const root = join(base, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) await writeFile(join(root, path), content);
  return root;
}

/** Paths whose entry a tripped guard holds back. */
const heldBack = (entries: ReadonlyMap<string, string>) => [...entries].filter(([, value]) => value.endsWith(' held')).map(([path]) => path);
const summary = (result: PollResult) => result.events.map((e) => `${e.kind} ${e.path}`).sort();
const five = { 'g1.md': '1', 'g2.md': '2', 'g3.md': '3', 'g4.md': '4', 'intro.md': 'i' };

describe('local cursor bound to its folder', () => {
  it('backfills a changed path and deletes the files of the old folder that are not in the new one', async () => {
    const c = connector();
    c.configure({ root: await folder('a', five) });
    await c.poll();
    c.configure({ root: await folder('b', { 'g1.md': 'b1', 'g2.md': '2', 'g3.md': '3', 'g4.md': '4' }) });
    expect(summary(await c.poll())).toEqual(['delete intro.md', 'upsert g1.md', 'upsert g2.md', 'upsert g3.md', 'upsert g4.md']);
    expect(c.cursor).toMatchObject({ version: 2, scope: { root: join(base, 'b'), patterns: ['.md'] } });
    expect((await c.poll()).events).toEqual([]);
  });

  it('keeps the old folder’s files when too many would go at once, also through later polls, until a reconcile may delete them', async () => {
    const c = connector();
    c.configure({ root: await folder('a', { 'a.md': 'a', 'b.md': 'b' }) });
    await c.poll();
    const source = c.configure({ root: await folder('b', { 'a.md': 'new a' }) });
    expect(summary(await c.poll())).toEqual(['upsert a.md']);
    expect(source.health()).toMatchObject({ deletion_guard: 'tripped: 1 of 2 pages missing' });
    expect((await c.poll()).events).toEqual([]);
    expect(heldBack(await c.documents.load('docs'))).toEqual(['b.md']);
    // Restarted with a larger share: the start-up reconcile deletes what the guard held.
    c.configure({ root: join(base, 'b'), maxDeletionShare: 0.5 });
    expect(summary(await c.poll())).toEqual(['delete b.md']);
    expect([...(await c.documents.load('docs')).keys()]).toEqual(['a.md']);
  });

  it('deletes at start-up a file deleted while stopped, and re-reads a file changed with its size and mtime kept', async () => {
    const c = connector();
    const root = await folder('a', five);
    await utimes(join(root, 'g1.md'), 1_700_000_000, 1_700_000_000);
    c.configure({ root });
    await c.poll();
    await unlink(join(root, 'intro.md'));
    await writeFile(join(root, 'g1.md'), 'X');
    await utimes(join(root, 'g1.md'), 1_700_000_000, 1_700_000_000);
    c.configure({ root });
    const startUp = await c.poll();
    expect(summary(startUp)).toEqual(['delete intro.md', 'upsert g1.md']);
    expect(startUp.events.find((e) => e.path === 'g1.md')!.content).toBe('X');
  });

  it('re-reads every file once reconcile_hours have passed, not before', async () => {
    const c = connector();
    const root = await folder('a', five);
    // A whole-second mtime, so restoring it is exact (stat's sub-millisecond part would not survive utimes).
    await utimes(join(root, 'g2.md'), 1_700_000_000, 1_700_000_000);
    c.configure({ root, reconcileMs: 6 * HOUR });
    await c.poll();
    await writeFile(join(root, 'g2.md'), 'Y');
    await utimes(join(root, 'g2.md'), 1_700_000_000, 1_700_000_000);
    c.advance(6 * HOUR - 1);
    expect((await c.poll()).events).toEqual([]);
    c.advance(1);
    expect(summary(await c.poll())).toEqual(['upsert g2.md']);
  });

  it('refuses at start-up to delete most of the folder at once, and keeps refusing in later polls', async () => {
    const c = connector();
    const root = await folder('a', five);
    c.configure({ root });
    await c.poll();
    for (const path of ['g1.md', 'g2.md', 'g3.md']) await unlink(join(root, path));
    const source = c.configure({ root });
    expect((await c.poll()).events).toEqual([]);
    expect(source.health()).toMatchObject({ deletion_guard: 'tripped: 3 of 5 pages missing' });
    expect((await c.poll()).events).toEqual([]);
  });

  it('reads a cursor written before scopes as an unknown scope: backfills, then deletes what it held that is gone', async () => {
    const c = connector();
    const root = await folder('a', five);
    const mark = { mtimeMs: 1, size: 1, hash: '0'.repeat(64) };
    c.cursor = { files: { ...Object.fromEntries(Object.keys(five).map((p) => [p, mark])), 'gone.md': mark } };
    c.configure({ root });
    expect(summary(await c.poll())).toEqual(['delete gone.md', ...Object.keys(five).map((p) => `upsert ${p}`)]);
    expect(c.cursor).toEqual({ version: 2, scope: { root, patterns: ['.md'] }, lastReconcile: '2026-01-01T00:00:00.000Z' });
    expect([...(await c.documents.load('docs')).keys()].sort()).toEqual(Object.keys(five));
    expect((await c.poll()).events).toEqual([]);
  });
});
