import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteVectorStore } from '../../../src/actors/stores/sqlite-vector-store.ts';
import type { VectorPoint } from '../../../src/actors/stores/vector-store.ts';

const point = (docId: string, chunkIndex: number, vector: number[], source = 'docs'): VectorPoint => ({
  chunkId: `${docId}#${chunkIndex}`,
  docId,
  chunkIndex,
  vector: new Float32Array(vector),
  payload: {
    source,
    path: docId,
    title: docId,
    heading: '',
    text: `chunk ${chunkIndex}`,
    contentHash: 'h',
    updatedAt: '2024-05-01T00:00:00.000Z',
    embeddingModel: 'test-4',
  },
});

describe('SqliteVectorStore', () => {
  let dir: string;
  let path: string;
  let db: Database.Database;
  let store: SqliteVectorStore;
  // Versions as the queue's sequences: each write gets the next one.
  let version = 0;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inlet-vector-'));
    path = join(dir, 'vector.db');
    db = new Database(path);
    store = new SqliteVectorStore(db);
    await store.init(4);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the nearest chunks with cosine similarity as score', async () => {
    await store.replaceDocument('a', ++version, [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])]);
    await store.replaceDocument('b', ++version, [point('b', 0, [1, 1, 0, 0])]);
    const hits = await store.search(new Float32Array([1, 0, 0, 0]), 2);
    expect(hits.map((h) => h.chunkId)).toEqual(['a#0', 'b#0']);
    expect(hits[0].score).toBeCloseTo(1, 5);
    expect(hits[1].score).toBeCloseTo(Math.SQRT1_2, 5);
    expect(hits[0].payload.text).toBe('chunk 0');
  });

  it('filters by source inside the query', async () => {
    await store.replaceDocument('a', ++version, [point('a', 0, [1, 0, 0, 0], 'wiki')]);
    await store.replaceDocument('b', ++version, [point('b', 0, [0.5, 0.5, 0, 0], 'docs')]);
    const hits = await store.search(new Float32Array([1, 0, 0, 0]), 1, { source: 'docs' });
    expect(hits.map((h) => h.docId)).toEqual(['b']);
  });

  it('replaceDocument removes points past the new chunk count', async () => {
    await store.replaceDocument('a', ++version, [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0]), point('a', 2, [0, 0, 1, 0])]);
    await store.replaceDocument('a', ++version, [point('a', 0, [1, 0, 0, 0])]);
    expect(await store.countPoints()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM vector_embeddings').pluck().get()).toBe(1);
    expect((await store.search(new Float32Array([0, 0, 1, 0]), 10)).map((h) => h.chunkId)).toEqual(['a#0']);
  });

  it('deleteDocument removes every point and ignores unknown documents', async () => {
    await store.replaceDocument('a', ++version, [point('a', 0, [1, 0, 0, 0])]);
    await store.deleteDocument('a', ++version);
    await store.deleteDocument('never', ++version);
    expect(await store.countPoints()).toBe(0);
    expect(await store.search(new Float32Array([1, 0, 0, 0]), 5)).toEqual([]);
  });

  it('keeps points across reopening and tolerates sqlite-vec being loaded already', async () => {
    await store.replaceDocument('a', ++version, [point('a', 0, [1, 0, 0, 0])]);
    db.close();
    db = new Database(path);
    sqliteVec.load(db);
    store = new SqliteVectorStore(db);
    await store.init(4);
    expect(await store.countPoints()).toBe(1);
  });

  it('never returns zero vectors, which have no direction', async () => {
    await store.replaceDocument('a', ++version, [point('a', 0, [0, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])]);
    expect((await store.search(new Float32Array([0, 1, 0, 0]), 5)).map((h) => h.chunkId)).toEqual(['a#1']);
    expect(await store.search(new Float32Array([0, 0, 0, 0]), 5)).toEqual([]);
  });

  it('refuses to init with a different dimension, naming both', async () => {
    await expect(store.init(8)).rejects.toThrow(/4-dimensional.*8/);
  });
});
