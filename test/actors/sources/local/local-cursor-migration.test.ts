import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PollResult } from '../../../../src/actors/sources/document-source.ts';
import { readLocalCursor } from '../../../../src/actors/sources/local/local-cursor.ts';
import { decodeFileEntry } from '../../../../src/actors/sources/local/local-file-entry.ts';
import { connector } from './local-test-kit.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'inlet-local-migration-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

const summary = (result: PollResult) => result.events.map((e) => `${e.kind} ${e.path}`).sort();
const five = { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c', 'd.md': 'd', 'e.md': 'e' };

/** The cursor version 1 saved after ingesting `paths` of the folder: every file's mark inside it. */
async function versionOneCursorOf(paths: string[], held: string[] = []) {
  const files: Record<string, { mtimeMs: number; size: number; hash: string; ctimeMs: number }> = {};
  for (const path of paths) {
    const info = await stat(join(root, path));
    const hash = createHash('sha256').update(await readFile(join(root, path), 'utf8')).digest('hex');
    files[path] = { mtimeMs: info.mtimeMs, size: info.size, hash, ctimeMs: info.ctimeMs };
  }
  return { version: 1, scope: { root, patterns: ['.md'] }, files, held, lastReconcile: '2025-12-31T23:00:00.000Z' };
}

describe('local cursor version 1 (every file inside the cursor) migrated at start-up', () => {
  it('ingests nothing again, deletes a file deleted meanwhile, and moves the files into the per-document state', async () => {
    for (const [path, content] of Object.entries(five)) await writeFile(join(root, path), content);
    const c = connector();
    const versionOne = await versionOneCursorOf(Object.keys(five));
    c.cursor = versionOne;
    await unlink(join(root, 'e.md'));
    await writeFile(join(root, 'c.md'), 'changed while stopped');
    c.configure({ root });

    const startUp = await c.poll();
    expect(summary(startUp)).toEqual(['delete e.md', 'upsert c.md']);
    // The delete keeps the id version 1 would have given it (hash, mtime and ctime of the mark it held).
    const { hash, mtimeMs, ctimeMs } = versionOne.files['e.md']!;
    expect(startUp.events.find((e) => e.kind === 'delete')!.id).toBe(`docs:e.md@deleted@${hash.slice(0, 16)}@${mtimeMs}@${ctimeMs}`);
    expect(c.cursor).toEqual({ version: 2, scope: { root, patterns: ['.md'] }, lastReconcile: '2026-01-01T00:00:00.000Z' });
    const held = await c.documents.load('docs');
    expect([...held.keys()].sort()).toEqual(['a.md', 'b.md', 'c.md', 'd.md']);
    expect(decodeFileEntry(held.get('a.md')!).mark).toEqual((await versionOneCursorOf(['a.md'])).files['a.md']);

    // From then on an idle poll writes nothing: no entry, and the cursor as it was.
    const written = { ...c.documents.written };
    const cursor = c.cursor;
    const idle = await c.poll();
    expect(idle.events).toEqual([]);
    expect(idle.documents).toEqual({ set: {}, delete: [] });
    expect(idle.nextCursor).toEqual(cursor);
    expect(c.documents.written).toEqual(written);
  });

  it('writes only the changed file’s entry, not the folder’s, once migrated', async () => {
    for (const [path, content] of Object.entries(five)) await writeFile(join(root, path), content);
    const c = connector();
    c.cursor = await versionOneCursorOf(Object.keys(five));
    c.configure({ root });
    expect((await c.poll()).events).toEqual([]);
    await writeFile(join(root, 'b.md'), 'new b');
    const changed = await c.poll();
    expect(summary(changed)).toEqual(['upsert b.md']);
    expect(Object.keys(changed.documents!.set)).toEqual(['b.md']);
    expect(changed.documents!.delete).toEqual([]);
  });

  it('keeps what a tripped guard held back until a reconcile may delete it', async () => {
    await writeFile(join(root, 'a.md'), 'a');
    await writeFile(join(root, 'b.md'), 'b');
    const c = connector();
    c.cursor = await versionOneCursorOf(['a.md', 'b.md'], ['b.md']);
    const migrated = readLocalCursor(c.cursor)!.migrated!;
    expect(decodeFileEntry(migrated['b.md']!).heldBack).toBe(true);
    expect(decodeFileEntry(migrated['a.md']!).heldBack).toBe(false);
    await unlink(join(root, 'b.md'));
    const source = c.configure({ root });

    expect((await c.poll()).events).toEqual([]);
    expect(source.health()).toMatchObject({ deletion_guard: 'tripped: 1 of 2 pages missing' });
    expect([...(await c.documents.load('docs')).keys()].sort()).toEqual(['a.md', 'b.md']);
    expect((await c.poll()).events).toEqual([]);
    c.configure({ root, maxDeletionShare: 0.5 });
    expect(summary(await c.poll())).toEqual(['delete b.md']);
    expect([...(await c.documents.load('docs')).keys()]).toEqual(['a.md']);
  });

  it('deletes a file gone meanwhile that only per-document state left by a rolled-back newer run still holds', async () => {
    for (const [path, content] of Object.entries(five)) await writeFile(join(root, path), content);
    const c = connector();
    const versionOne = await versionOneCursorOf(Object.keys(five));
    await c.documents.apply('docs', { set: { 'old.md': readLocalCursor(versionOne)!.migrated!['a.md']! }, delete: [] });
    c.cursor = versionOne;
    c.configure({ root });
    expect(summary(await c.poll())).toEqual(['delete old.md']);
    expect([...(await c.documents.load('docs')).keys()].sort()).toEqual(Object.keys(five));
  });
});
