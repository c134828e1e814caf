import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryDocumentStateStore } from '../../../../src/actors/cursor/memory-document-state-store.ts';
import { LocalFolderSource } from '../../../../src/actors/sources/local/local-folder-source.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'inlet-rename-back-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('a file renamed away and back (found by the convergence test, issue 11 part 8)', () => {
  it('gives every appearance of the same content and mtime at a path its own event ids, so the queue drops none as a duplicate', async () => {
    const source = new LocalFolderSource({ name: 'docs', root, extensions: ['.md'] });
    const signal = new AbortController().signal;
    let cursor: unknown = null;
    const documents = new MemoryDocumentStateStore();
    const ids: string[] = [];
    const poll = async () => {
      const result = await source.poll({ cursor, documents: await documents.load('docs'), webhooks: [], signal, guard: (call) => call(signal) });
      if (result.documents) await documents.apply('docs', result.documents);
      cursor = result.nextCursor;
      ids.push(...result.events.map((e) => e.id));
      return result.events.map((e) => `${e.kind} ${e.path}`).sort();
    };
    await writeFile(join(root, 'a.md'), '# A\n\nsame text throughout\n');
    expect(await poll()).toEqual(['upsert a.md']);
    // rename keeps the mtime and the content: only the inode change time tells these appearances apart.
    await rename(join(root, 'a.md'), join(root, 'b.md'));
    expect(await poll()).toEqual(['delete a.md', 'upsert b.md']);
    await rename(join(root, 'b.md'), join(root, 'a.md'));
    expect(await poll()).toEqual(['delete b.md', 'upsert a.md']);
    await rename(join(root, 'a.md'), join(root, 'b.md'));
    expect(await poll()).toEqual(['delete a.md', 'upsert b.md']);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
