/**
 * One behavioural suite for every VectorStore: the embedded SqliteVectorStore (always), QdrantVectorStore against the
 * contract server (always; a stand-in that checks requests against Qdrant's OpenAPI and emulates Qdrant, NOT proof of
 * Qdrant's behaviour) and QdrantVectorStore against a real Qdrant when QDRANT_URL (and QDRANT_API_KEY) is set, with a
 * collection of its own per test, deleted afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createQdrantClient } from '../../../src/actors/stores/qdrant-client-factory.ts';
import { QdrantVectorStore } from '../../../src/actors/stores/qdrant-vector-store.ts';
import { SqliteVectorStore } from '../../../src/actors/stores/sqlite-vector-store.ts';
import { type AppliedVersion, mayApply, type VersionAuthority } from '../../../src/actors/stores/document-version.ts';
import type { VectorPoint, VectorStore } from '../../../src/actors/stores/vector-store.ts';
import { startQdrantContractServer } from '../../support/qdrant-contract-server.ts';

/** A store under test on fresh storage; `sibling()` opens a second store on the same storage. */
interface Backend {
  store: VectorStore;
  sibling(): VectorStore;
  /** Spec violations seen so far (contract stand-in only). */
  violations(): string[];
  cleanup(): Promise<void>;
}

const QDRANT_URL = process.env.QDRANT_URL ?? '';
const runId = `${process.pid}_${Date.now().toString(36)}`;
let collections = 0;

const backends: { name: string; enabled: boolean; open(): Promise<Backend> }[] = [
  {
    name: 'SqliteVectorStore (embedded)',
    enabled: true,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'inlet-vector-conformance-'));
      const db = new Database(join(dir, 'vector.db'));
      return {
        store: new SqliteVectorStore(db),
        sibling: () => new SqliteVectorStore(db),
        violations: () => [],
        async cleanup() {
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'QdrantVectorStore on the contract server (stand-in, not a real Qdrant)',
    enabled: true,
    async open() {
      const server = await startQdrantContractServer();
      const client = createQdrantClient(server.url);
      return {
        store: new QdrantVectorStore(client, 'chunks'),
        sibling: () => new QdrantVectorStore(client, 'chunks'),
        violations: () => [...server.violations, ...server.responseViolations],
        cleanup: () => server.close(),
      };
    },
  },
  {
    name: `QdrantVectorStore on the real Qdrant at QDRANT_URL (${QDRANT_URL || 'unset: skipped'})`,
    enabled: QDRANT_URL !== '',
    async open() {
      const client = createQdrantClient(QDRANT_URL, process.env.QDRANT_API_KEY);
      const collection = `inlet_test_${runId}_${++collections}`;
      return {
        store: new QdrantVectorStore(client, collection),
        sibling: () => new QdrantVectorStore(client, collection),
        violations: () => [],
        async cleanup() {
          await client.deleteCollection(collection);
        },
      };
    },
  },
];

const point = (docId: string, chunkIndex: number, vector: number[], source = 'docs'): VectorPoint => ({
  chunkId: `${docId}#${chunkIndex}`,
  docId,
  chunkIndex,
  vector: new Float32Array(vector),
  payload: {
    source,
    path: `${docId}.md`,
    ...(chunkIndex === 0 && { url: `https://example.com/${docId}` }),
    title: `Title ${docId}`,
    ...(chunkIndex === 0 && { metadata: { space: 'ENG', version: 7 } }),
    heading: `Heading ${chunkIndex}`,
    text: `chunk ${chunkIndex} of ${docId}`,
    contentHash: `hash-${docId}`,
    updatedAt: '2024-05-01T00:00:00.000Z',
    embeddingModel: 'test-4',
  },
});

const q = (v: number[]) => new Float32Array(v);

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`VectorStore conformance: ${backend.name}`, () => {
    let b: Backend;
    let store: VectorStore;
    // The graph store's part, modelled: written first and fenced by the rule every store follows (document-version.ts);
    // it is the authority a store without conditional writes (Qdrant) validates against.
    let graph: Map<string, AppliedVersion>;
    let clock: number;
    const authority: VersionAuthority = async (ids) => new Map(ids.flatMap((id) => (graph.has(id) ? [[id, graph.get(id)!] as const] : [])));
    const inGraph = (docId: string, version: number, deleted: boolean) => {
      if (mayApply(version, graph.get(docId))) graph.set(docId, { version, deleted });
    };
    const replace = (docId: string, points: VectorPoint[], version = ++clock) => {
      inGraph(docId, version, false);
      return store.replaceDocument(docId, version, points, authority);
    };
    const remove = (docId: string, version = ++clock) => {
      inGraph(docId, version, true);
      return store.deleteDocument(docId, version, authority);
    };

    beforeEach(async () => {
      graph = new Map();
      clock = 0;
      b = await backend.open();
      store = b.store;
      await store.init(4);
    });
    afterEach(async () => {
      const violations = b.violations();
      await b.cleanup();
      expect(violations).toEqual([]);
    });

    it('finds a replaced chunk by its own vector with score ~1 and its payload', async () => {
      await replace('a', [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])]);
      const [hit] = await store.search(q([1, 0, 0, 0]), 1);
      expect(hit).toEqual({ chunkId: 'a#0', docId: 'a', chunkIndex: 0, score: expect.closeTo(1, 4), version: 1, payload: point('a', 0, []).payload });
    });

    it('ranks hits nearest first by cosine similarity and returns at most k', async () => {
      await replace('a', [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])]);
      await replace('b', [point('b', 0, [2, 2, 0, 0])]);
      const hits = await store.search(q([1, 0, 0, 0]), 2);
      expect(hits.map((h) => h.chunkId)).toEqual(['a#0', 'b#0']);
      expect(hits[1].score).toBeCloseTo(Math.SQRT1_2, 4);
      const fromA1 = await store.search(q([0, 1, 0, 0]), 3);
      expect(fromA1.map((h) => h.chunkId)).toEqual(['a#1', 'b#0', 'a#0']);
      expect(fromA1[0].payload).toEqual(point('a', 1, []).payload); // a chunk without url comes back without one
      expect('url' in fromA1[0].payload).toBe(false);
      expect('metadata' in fromA1[0].payload).toBe(false);
      expect(hits[0].payload.metadata).toEqual({ space: 'ENG', version: 7 });
    });

    it('replaceDocument is idempotent', async () => {
      const points = [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])];
      await replace('a', points, 1);
      const first = await store.search(q([1, 1, 0, 0]), 10);
      expect(await replace('a', points, 1)).toEqual({ applied: true });
      expect(await store.countPoints()).toBe(2);
      expect(await store.search(q([1, 1, 0, 0]), 10)).toEqual(first);
    });

    it('shrinking a document removes the points past the new count and updates the rest', async () => {
      await replace('a', [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0]), point('a', 2, [0, 0, 1, 0])]);
      const shrunk = { ...point('a', 0, [0, 0, 1, 0]), payload: { ...point('a', 0, []).payload, text: 'new text' } };
      await replace('a', [shrunk]);
      expect(await store.countPoints()).toBe(1);
      const hits = await store.search(q([0, 0, 1, 0]), 10);
      expect(hits.map((h) => [h.chunkId, h.payload.text])).toEqual([['a#0', 'new text']]);
      expect(hits[0].score).toBeCloseTo(1, 4);
    });

    it('deleteDocument removes every point of the document, leaves other documents and ignores unknown ones', async () => {
      await replace('a', [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])]);
      await replace('b', [point('b', 0, [0, 0, 1, 0])]);
      await remove('a');
      await remove('never-ingested');
      expect(await store.countPoints()).toBe(1);
      expect((await store.search(q([1, 0, 0, 0]), 10)).map((h) => h.docId)).toEqual(['b']);
    });

    it('replacing a document with no points removes it', async () => {
      await replace('a', [point('a', 0, [1, 0, 0, 0])]);
      await replace('a', []);
      expect(await store.countPoints()).toBe(0);
    });

    it('filters search by source', async () => {
      await replace('a', [point('a', 0, [1, 0, 0, 0], 'wiki')]);
      await replace('b', [point('b', 0, [0.5, 0.5, 0, 0], 'docs')]);
      expect((await store.search(q([1, 0, 0, 0]), 5, { source: 'docs' })).map((h) => h.docId)).toEqual(['b']);
      expect((await store.search(q([1, 0, 0, 0]), 5, { source: 'wiki' })).map((h) => h.docId)).toEqual(['a']);
      expect(await store.search(q([1, 0, 0, 0]), 5, { source: 'none' })).toEqual([]);
    });

    it('countPoints counts the points of every document', async () => {
      expect(await store.countPoints()).toBe(0);
      await replace('a', [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])]);
      await replace('b', [point('b', 0, [0, 0, 1, 0])]);
      expect(await store.countPoints()).toBe(3);
    });

    describe('ordering per document (issue 11)', () => {
      const texts = async () => (await store.search(q([1, 1, 1, 1]), 50)).map((h) => [h.chunkId, h.version, h.payload.text]).sort();

      it('a replace older than a delete already applied is a no-op and leaves no point', async () => {
        await replace('a', [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])], 10);
        expect(await remove('a', 30)).toEqual({ applied: true });
        expect(await replace('a', [point('a', 0, [1, 0, 0, 0])], 20)).toEqual({ applied: false });
        expect(await store.countPoints()).toBe(0);
        expect(await store.search(q([1, 0, 0, 0]), 10)).toEqual([]);
      });

      it('a delete older than the replace already applied is a no-op', async () => {
        await replace('a', [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])], 50);
        expect(await remove('a', 40)).toEqual({ applied: false });
        expect(await store.countPoints()).toBe(2);
        expect((await store.search(q([1, 0, 0, 0]), 1))[0]).toMatchObject({ chunkId: 'a#0', version: 50 });
      });

      it('a redelivered old replace after a newer one is a no-op: only the newest version’s points remain', async () => {
        const old = [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0]), point('a', 2, [0, 0, 1, 0])];
        const newer = [{ ...point('a', 0, [0, 0, 0, 1]), payload: { ...point('a', 0, []).payload, text: 'newer' } }];
        await replace('a', old, 1);
        await replace('a', newer, 2);
        expect(await replace('a', old, 1)).toEqual({ applied: false });
        expect(await store.countPoints()).toBe(1);
        expect(await texts()).toEqual([['a#0', 2, 'newer']]);
      });

      it('an old replace written after the newer one, before the graph told it, is taken back', async () => {
        // Both workers passed the graph (versions 1 then 2); the worker of 2 wrote its points first.
        inGraph('a', 1, false);
        inGraph('a', 2, false);
        await store.replaceDocument('a', 2, [point('a', 0, [0, 0, 0, 1])], authority);
        expect(await store.replaceDocument('a', 1, [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])], authority)).toEqual({ applied: false });
        expect(await texts()).toEqual([['a#0', 2, 'chunk 0 of a']]);
      });

      it('a replace newer than the tombstone re-creates the document', async () => {
        await replace('a', [point('a', 0, [1, 0, 0, 0])], 5);
        await remove('a', 6);
        expect(await replace('a', [point('a', 0, [1, 0, 0, 0]), point('a', 1, [0, 1, 0, 0])], 7)).toEqual({ applied: true });
        expect(await store.countPoints()).toBe(2);
        expect(await texts()).toEqual([
          ['a#0', 7, 'chunk 0 of a'],
          ['a#1', 7, 'chunk 1 of a'],
        ]);
      });

      it('applyBatch fences each write on its own', async () => {
        if (!store.applyBatch) return;
        await replace('b', [point('b', 0, [0, 1, 0, 0])], 5);
        inGraph('a', 10, false);
        inGraph('b', 2, true);
        const results = await store.applyBatch(
          [
            { kind: 'replace', version: 10, docId: 'a', points: [point('a', 0, [1, 0, 0, 0])] },
            { kind: 'delete', version: 2, docId: 'b' },
            { kind: 'replace', version: 9, docId: 'a', points: [point('a', 0, [0, 0, 1, 0]), point('a', 1, [0, 0, 0, 1])] },
          ],
          authority,
        );
        expect(results.map((r) => r.applied)).toEqual([true, false, false]);
        expect(await texts()).toEqual([
          ['a#0', 10, 'chunk 0 of a'],
          ['b#0', 5, 'chunk 0 of b'],
        ]);
      });
    });

    it('init again with the same dimension keeps the points; with another dimension it throws', async () => {
      await replace('a', [point('a', 0, [1, 0, 0, 0])]);
      await b.sibling().init(4);
      expect(await store.countPoints()).toBe(1);
      await expect(b.sibling().init(8)).rejects.toThrow(/\b4\b.*\b8\b/);
    });
  });
}
