import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { lockNeo4j } from '../../support/neo4j-lock.ts';
import type { ChunkRecord, DocumentRecord, GraphStore } from '../../../src/actors/stores/graph-store.ts';
import { Neo4jGraphStore } from '../../../src/actors/stores/neo4j-graph-store.ts';
import { SqliteGraphStore } from '../../../src/actors/stores/sqlite-graph-store.ts';
import { isStoreUnavailableError } from '../../../src/actors/stores/store-errors.ts';
import { openDatabase } from '../../../src/actors/system/open-backends.ts';
import { createTestNeo4jDriver, neo4jAvailable } from '../../support/neo4j-test-driver.ts';

/** One GraphStore under test; `footprint` counts its nodes and edges under an id prefix, where it can look. */
interface GraphBackend {
  store: GraphStore;
  footprint?(idPrefix: string): Promise<{ nodes: number; edges: number }>;
  dispose(): Promise<void>;
}

const backends: { name: string; available: boolean; timeoutMs?: number; open(): Promise<GraphBackend> }[] = [
  {
    name: 'SqliteGraphStore',
    available: true,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'inlet-graph-conformance-'));
      const db = openDatabase(join(dir, 'inlet.db'));
      return {
        store: new SqliteGraphStore(db),
        async dispose() {
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'Neo4jGraphStore',
    available: neo4jAvailable,
    // A cold server on a busy 2-vCPU machine took 20 s to plan the first queries and ~1 s per test afterwards.
    timeoutMs: 60_000,
    async open() {
      // The suite compares global counts: hold the run's Neo4j against other files' writes (neo4j-lock.ts).
      const release = await lockNeo4j(inject('neo4jUrl'));
      const driver = createTestNeo4jDriver();
      return {
        store: new Neo4jGraphStore(driver),
        async footprint(idPrefix) {
          // Version nodes (tombstones) stay by design (neo4j-graph-cypher.ts), so they are not part of the footprint.
          const { records } = await driver.executeQuery(
            `MATCH (n) WHERE n.id STARTS WITH $idPrefix AND NOT n:DocumentVersion
             RETURN count(n) AS nodes, sum(COUNT { (n)-[]->() }) AS edges`,
            { idPrefix },
            { routing: neo4j.routing.READ },
          );
          return { nodes: records[0].get('nodes').toNumber(), edges: records[0].get('edges').toNumber() };
        },
        async dispose() {
          await driver.close();
          release();
        },
      };
    },
  },
];

if (!neo4jAvailable) {
  console.warn(
    `\n${'!'.repeat(80)}\nNO NEO4J: graph-store conformance runs against SqliteGraphStore only; Neo4jGraphStore is SKIPPED.\n` +
      `Set NEO4J_URI or build test/support/neo4j-harness (mvn -q -B package).\n${'!'.repeat(80)}\n`,
  );
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`GraphStore conformance: ${backend.name}`, { timeout: backend.timeoutMs }, () => {
    let opened: GraphBackend;
    let store: GraphStore;
    // A shared Neo4j outlives the test: every id starts with a fresh prefix, and every id a test wrote is deleted
    // through the public API afterwards. Counts are compared to the count at the start of the test.
    let prefix: string;
    let written: Set<string>;
    let baseCount: number;
    // Versions as the queue's sequences: each write of a test gets the next one unless it names its own.
    let clock: number;
    const next = () => ++clock;
    // Clean-up deletes with the highest version there is, so it wins over anything a test wrote.
    const LAST = Number.MAX_SAFE_INTEGER;

    const id = (name: string) => `${prefix}${name}`;
    const doc = (name: string, extra: Partial<DocumentRecord> = {}): DocumentRecord => ({
      id: id(name),
      source: 'conformance',
      path: `${name}.md`,
      title: `Title of ${name}`,
      contentHash: 'ab'.repeat(32),
      updatedAt: '2024-05-01T00:00:00.000Z',
      ...extra,
    });
    const chunks = (name: string, count: number, text = 'text'): ChunkRecord[] =>
      Array.from({ length: count }, (_, index) => ({
        id: `${id(name)}#${index}`,
        docId: id(name),
        index,
        heading: `Heading ${index}`,
        text: `${text} ${index}`,
      }));
    const upsert = async (record: DocumentRecord, chunkList: ChunkRecord[], links: string[], version = next()) => {
      written.add(record.id);
      return store.upsertDocument(record, chunkList, links.map(id), version);
    };
    const remove = async (name: string, version = next()) => {
      written.add(id(name));
      return store.deleteDocument(id(name), version);
    };
    const ref = (name: string) => ({ id: id(name), title: `Title of ${name}`, path: `${name}.md` });
    const added = async () => (await store.countDocuments()) - baseCount;

    beforeAll(async () => {
      opened = await backend.open();
      store = opened.store;
      await store.init();
      // Warm-up: one pass over every call, so a cold server's query planning is paid here and not in one test.
      prefix = `warm-up-${randomUUID()}:`;
      await store.upsertDocument(doc('a', { parentId: id('p') }), chunks('a', 1), [id('b')], 1);
      await store.getDocument(id('a'));
      await store.neighbours(id('a'));
      await store.countDocuments();
      await store.appliedVersions([id('a')]);
      await store.deleteDocument(id('a'), 2);
    }, backend.timeoutMs);
    afterAll(async () => {
      await opened?.dispose();
    });
    beforeEach(async () => {
      prefix = `t-${randomUUID()}:`;
      written = new Set();
      clock = 0;
      baseCount = await store.countDocuments();
    }, backend.timeoutMs);
    afterEach(async () => {
      for (const docId of written) await store.deleteDocument(docId, LAST);
      expect(await added()).toBe(0);
      // Deleting every document must also drop the placeholders and edges they left behind.
      if (opened.footprint) expect(await opened.footprint(prefix)).toEqual({ nodes: 0, edges: 0 });
    }, backend.timeoutMs);

    it('init twice is fine and changes nothing', async () => {
      await upsert(doc('a'), chunks('a', 1), []);
      await store.init();
      await store.init();
      expect(await added()).toBe(1);
      expect(await store.getDocument(id('a'))).not.toBeNull();
    });

    it('returns what was upserted: fields, chunks by index, links in written order, parentId', async () => {
      const record = doc('a', { url: 'https://docs.example/a', parentId: id('index') });
      await upsert(record, chunks('a', 3), ['z', 'b']);
      expect(await store.getDocument(id('a'))).toEqual({ ...record, chunks: chunks('a', 3), linksTo: [id('z'), id('b')] });
      expect(await store.getDocument(id('missing'))).toBeNull();
    });

    it('leaves out url and parentId when the document has none', async () => {
      await upsert(doc('a'), [], []);
      const stored = await store.getDocument(id('a'));
      expect(stored).toEqual({ ...doc('a'), chunks: [], linksTo: [] });
      expect(stored).not.toHaveProperty('url');
      expect(stored).not.toHaveProperty('parentId');
    });

    it('re-applying the same upsert is a no-op', async () => {
      await upsert(doc('b'), chunks('b', 1), []);
      await upsert(doc('a', { parentId: id('b') }), chunks('a', 2), ['b', 'pending']);
      const snapshot = async () => ({
        doc: await store.getDocument(id('a')),
        count: await added(),
        around: await store.neighbours(id('a')),
        footprint: await opened.footprint?.(prefix),
      });
      const first = await snapshot();
      await upsert(doc('a', { parentId: id('b') }), chunks('a', 2), ['b', 'pending']);
      expect(await snapshot()).toEqual(first);
      expect(first.count).toBe(2);
    });

    it("keeps the source's metadata with the document; an update replaces it, and one without it removes it", async () => {
      await upsert(doc('a', { metadata: { space: 'ENG', version: 3, content_type: 'page' } }), [], []);
      expect((await store.getDocument(id('a')))?.metadata).toEqual({ space: 'ENG', version: 3, content_type: 'page' });
      await upsert(doc('a', { metadata: { space: 'OPS', version: 4 } }), [], []);
      expect((await store.getDocument(id('a')))?.metadata).toEqual({ space: 'OPS', version: 4 });
      await upsert(doc('a'), [], []);
      const stored = await store.getDocument(id('a'));
      expect(stored).not.toBeNull();
      expect(stored && 'metadata' in stored).toBe(false);
    });

    it('an update with fewer chunks removes the extra ones and rewrites the rest', async () => {
      await upsert(doc('a'), chunks('a', 4), []);
      await upsert(doc('a', { title: 'New title', contentHash: 'cd'.repeat(32) }), chunks('a', 2, 'edited'), []);
      const stored = await store.getDocument(id('a'));
      expect(stored?.title).toBe('New title');
      expect(stored?.contentHash).toBe('cd'.repeat(32));
      expect(stored?.chunks).toEqual(chunks('a', 2, 'edited'));
      await upsert(doc('a'), [], []);
      expect((await store.getDocument(id('a')))?.chunks).toEqual([]);
    });

    it('an update replaces the outgoing links', async () => {
      for (const name of ['b', 'c', 'd']) await upsert(doc(name), [], []);
      await upsert(doc('a'), [], ['b', 'c']);
      await upsert(doc('a'), [], ['d', 'c']);
      expect((await store.getDocument(id('a')))?.linksTo).toEqual([id('d'), id('c')]);
      expect((await store.neighbours(id('a'))).linksTo).toEqual([ref('d'), ref('c')]);
      expect((await store.neighbours(id('b'))).linkedFrom).toEqual([]);
      await upsert(doc('a'), [], []);
      expect(await store.neighbours(id('a'))).toEqual({ linksTo: [], linkedFrom: [] });
    });

    it('keeps the first position of a link written twice', async () => {
      await upsert(doc('a'), [], ['b', 'c', 'b']);
      expect((await store.getDocument(id('a')))?.linksTo).toEqual([id('b'), id('c')]);
    });

    it('a link to a document not yet ingested shows in neighbours once that document arrives', async () => {
      await upsert(doc('a', { url: 'https://docs.example/a' }), [], ['b']);
      expect((await store.getDocument(id('a')))?.linksTo).toEqual([id('b')]);
      expect(await store.neighbours(id('a'))).toEqual({ linksTo: [], linkedFrom: [] });
      expect(await store.getDocument(id('b'))).toBeNull();
      await upsert(doc('b'), chunks('b', 1), []);
      expect(await store.neighbours(id('a'))).toEqual({ linksTo: [ref('b')], linkedFrom: [] });
      expect(await store.neighbours(id('b'))).toEqual({
        linksTo: [],
        linkedFrom: [{ ...ref('a'), url: 'https://docs.example/a' }],
      });
    });

    it('linkedFrom lists every ingested document linking here, by title', async () => {
      await upsert(doc('c', { title: 'Zebra' }), [], ['target']);
      await upsert(doc('a', { title: 'Apple' }), [], ['target', 'other']);
      await upsert(doc('target'), [], ['a']);
      const { linksTo, linkedFrom } = await store.neighbours(id('target'));
      expect(linkedFrom.map((r) => [r.id, r.title])).toEqual([
        [id('a'), 'Apple'],
        [id('c'), 'Zebra'],
      ]);
      expect(linksTo.map((r) => r.id)).toEqual([id('a')]);
    });

    it('delete removes the document, its chunks and outgoing links; re-ingesting restores incoming links', async () => {
      await upsert(doc('a'), chunks('a', 1), ['b']);
      await upsert(doc('b'), chunks('b', 3), ['a', 'c']);
      await upsert(doc('c'), [], []);
      await remove('b');
      expect(await store.getDocument(id('b'))).toBeNull();
      expect(await added()).toBe(2);
      expect(await store.neighbours(id('a'))).toEqual({ linksTo: [], linkedFrom: [] });
      expect(await store.neighbours(id('c'))).toEqual({ linksTo: [], linkedFrom: [] });
      expect((await store.getDocument(id('a')))?.linksTo).toEqual([id('b')]);

      await upsert(doc('b'), [], []);
      expect((await store.getDocument(id('b')))?.chunks).toEqual([]);
      expect(await store.neighbours(id('b'))).toEqual({ linksTo: [], linkedFrom: [ref('a')] });
      expect((await store.neighbours(id('a'))).linksTo).toEqual([ref('b')]);
    });

    it('deleting a missing or never-ingested document is not an error and keeps links to it', async () => {
      await upsert(doc('a'), [], ['ghost']);
      await remove('ghost');
      await remove('never');
      expect((await store.getDocument(id('a')))?.linksTo).toEqual([id('ghost')]);
      await upsert(doc('ghost'), [], []);
      expect((await store.neighbours(id('ghost'))).linkedFrom).toEqual([ref('a')]);
    });

    it('parentId survives a parent that is not ingested yet, deleted, or replaced', async () => {
      await upsert(doc('child', { parentId: id('parent') }), [], []);
      expect((await store.getDocument(id('child')))?.parentId).toBe(id('parent'));
      await upsert(doc('parent'), [], []);
      await remove('parent');
      expect((await store.getDocument(id('child')))?.parentId).toBe(id('parent'));
      await upsert(doc('child', { parentId: id('other') }), [], []);
      expect((await store.getDocument(id('child')))?.parentId).toBe(id('other'));
      await upsert(doc('child'), [], []);
      expect(await store.getDocument(id('child'))).not.toHaveProperty('parentId');
    });

    it('applyBatch gives the same graph as the same writes one by one', async () => {
      if (!store.applyBatch) return;
      for (const name of ['a', 'b', 'c']) written.add(id(name));
      await upsert(doc('c'), chunks('c', 2), ['a']);
      const results = await store.applyBatch([
        { kind: 'upsert', version: next(), document: doc('a'), chunks: chunks('a', 3), linksTo: [id('b')] },
        { kind: 'upsert', version: next(), document: doc('b', { parentId: id('a') }), chunks: chunks('b', 1), linksTo: [id('a')] },
        { kind: 'upsert', version: next(), document: doc('a'), chunks: chunks('a', 1), linksTo: [id('b'), id('c')] },
        { kind: 'delete', version: next(), docId: id('c') },
      ]);
      expect(results).toEqual([{ applied: true }, { applied: true }, { applied: true }, { applied: true }]);
      expect(await added()).toBe(2);
      expect(await store.getDocument(id('a'))).toEqual({ ...doc('a'), chunks: chunks('a', 1), linksTo: [id('b'), id('c')] });
      expect(await store.getDocument(id('b'))).toEqual({ ...doc('b', { parentId: id('a') }), chunks: chunks('b', 1), linksTo: [id('a')] });
      expect(await store.getDocument(id('c'))).toBeNull();
      expect(await store.neighbours(id('a'))).toEqual({ linksTo: [ref('b')], linkedFrom: [ref('b')] });
    });

    describe('ordering per document (issue 11)', () => {
      const versionOf = async (name: string) => (await store.appliedVersions([id(name)])).get(id(name));

      it('an upsert older than a delete already applied is a no-op: the tombstone wins', async () => {
        await upsert(doc('a'), chunks('a', 2), ['b'], 10);
        expect(await remove('a', 30)).toEqual({ applied: true });
        expect(await upsert(doc('a', { title: 'Resurrected' }), chunks('a', 1), [], 20)).toEqual({ applied: false });
        expect(await store.getDocument(id('a'))).toBeNull();
        expect(await added()).toBe(0);
        expect(await versionOf('a')).toEqual({ version: 30, deleted: true });
        if (opened.footprint) expect(await opened.footprint(prefix)).toEqual({ nodes: 0, edges: 0 });
      });

      it('a delete older than the upsert already applied is a no-op', async () => {
        await upsert(doc('a'), chunks('a', 2), ['b'], 50);
        expect(await remove('a', 40)).toEqual({ applied: false });
        expect(await store.getDocument(id('a'))).toEqual({ ...doc('a'), chunks: chunks('a', 2), linksTo: [id('b')] });
        expect(await versionOf('a')).toEqual({ version: 50, deleted: false });
      });

      it('a redelivered old event after a newer one is a no-op; the same event again is applied idempotently', async () => {
        await upsert(doc('a', { title: 'First' }), chunks('a', 3, 'first'), ['b'], 1);
        await upsert(doc('a', { title: 'Second' }), chunks('a', 1, 'second'), ['c'], 2);
        expect(await upsert(doc('a', { title: 'First' }), chunks('a', 3, 'first'), ['b'], 1)).toEqual({ applied: false });
        const newest = { ...doc('a', { title: 'Second' }), chunks: chunks('a', 1, 'second'), linksTo: [id('c')] };
        expect(await store.getDocument(id('a'))).toEqual(newest);
        expect(await upsert(doc('a', { title: 'Second' }), chunks('a', 1, 'second'), ['c'], 2)).toEqual({ applied: true });
        expect(await store.getDocument(id('a'))).toEqual(newest);
        expect(await versionOf('a')).toEqual({ version: 2, deleted: false });
      });

      it('an upsert newer than the tombstone re-creates the document', async () => {
        await upsert(doc('target'), [], ['a']);
        await upsert(doc('a'), chunks('a', 2), ['target'], 5);
        await remove('a', 6);
        expect(await upsert(doc('a', { title: 'Back' }), chunks('a', 1), ['target'], 7)).toEqual({ applied: true });
        expect(await store.getDocument(id('a'))).toEqual({ ...doc('a', { title: 'Back' }), chunks: chunks('a', 1), linksTo: [id('target')] });
        expect((await store.neighbours(id('target'))).linkedFrom).toEqual([{ ...ref('a'), title: 'Back' }]);
        expect(await versionOf('a')).toEqual({ version: 7, deleted: false });
      });

      it('a delete of a document never written leaves a tombstone that refuses older upserts', async () => {
        expect(await remove('a', 9)).toEqual({ applied: true });
        expect(await upsert(doc('a'), chunks('a', 1), [], 8)).toEqual({ applied: false });
        expect(await store.getDocument(id('a'))).toBeNull();
        expect(await added()).toBe(0);
      });

      it('appliedVersions answers for the documents seen, tombstones included, and leaves out the others', async () => {
        await upsert(doc('a'), [], [], 3);
        await remove('b', 4);
        const versions = await store.appliedVersions([id('a'), id('b'), id('never'), id('a')]);
        expect(versions).toEqual(
          new Map([
            [id('a'), { version: 3, deleted: false }],
            [id('b'), { version: 4, deleted: true }],
          ]),
        );
      });

      it('applyBatch fences each write on its own, in order', async () => {
        if (!store.applyBatch) return;
        await upsert(doc('b'), chunks('b', 1), [], 5);
        await remove('c', 3);
        for (const name of ['a', 'b', 'c', 'd']) written.add(id(name));
        const results = await store.applyBatch([
          { kind: 'upsert', version: 10, document: doc('a'), chunks: chunks('a', 2), linksTo: [] },
          { kind: 'delete', version: 2, docId: id('b') },
          { kind: 'upsert', version: 1, document: doc('c'), chunks: [], linksTo: [] },
          { kind: 'upsert', version: 9, document: doc('a', { title: 'Older' }), chunks: [], linksTo: [] },
          { kind: 'delete', version: 11, docId: id('d') },
          { kind: 'upsert', version: 6, document: doc('d'), chunks: [], linksTo: [] },
        ]);
        expect(results.map((r) => r.applied)).toEqual([true, false, false, false, true, false]);
        expect(await store.getDocument(id('a'))).toEqual({ ...doc('a'), chunks: chunks('a', 2), linksTo: [] });
        expect((await store.getDocument(id('b')))?.chunks).toEqual(chunks('b', 1));
        expect(await store.getDocument(id('c'))).toBeNull();
        expect(await store.getDocument(id('d'))).toBeNull();
      });

      it('concurrent writers end with the newest change to each document, whatever order they commit in', async () => {
        const names = Array.from({ length: 8 }, (_, i) => i);
        const writes = names.flatMap((i) => [
          // Deleted last: the older upsert races the newer delete.
          () => upsert(doc(`gone${i}`), chunks(`gone${i}`, 2), [`kept${i}`], 1),
          () => remove(`gone${i}`, 2),
          // Upserted last: the older delete races the newer upsert.
          () => remove(`kept${i}`, 1),
          () => upsert(doc(`kept${i}`), chunks(`kept${i}`, 1), [`gone${i}`], 2),
        ]);
        // Newest first, so the older writes are the ones that commit last.
        await Promise.all(writes.reverse().map((w) => w()));
        for (const i of names) {
          expect(await store.getDocument(id(`gone${i}`))).toBeNull();
          expect((await store.getDocument(id(`kept${i}`)))?.chunks).toEqual(chunks(`kept${i}`, 1));
        }
        expect(await added()).toBe(names.length);
      });
    });

    it('countDocuments counts ingested documents only, not link or parent targets', async () => {
      await upsert(doc('a', { parentId: id('p') }), [], ['x', 'y']);
      await upsert(doc('b'), [], ['x', 'a']);
      expect(await added()).toBe(2);
      await upsert(doc('x'), [], []);
      expect(await added()).toBe(3);
      await remove('x');
      expect(await added()).toBe(2);
    });
  });
}

describe('Neo4jGraphStore without a server', () => {
  let driver: Driver;
  beforeAll(() => {
    // Nothing listens on port 1. Short retry and connect budgets: the defaults retry for 30 s before giving up.
    driver = neo4j.driver('bolt://127.0.0.1:1', neo4j.auth.basic('neo4j', 'x'), {
      maxTransactionRetryTime: 500,
      connectionTimeout: 1_000,
    });
  });
  afterAll(async () => {
    await driver.close();
  });

  it('reports an unreachable server as StoreUnavailableError on reads, writes and init', async () => {
    const store = new Neo4jGraphStore(driver);
    const calls: (() => Promise<unknown>)[] = [
      () => store.init(),
      () => store.countDocuments(),
      () => store.getDocument('a'),
      () =>
        store.upsertDocument(
          { id: 'a', source: 's', path: 'a.md', title: 'A', contentHash: 'h', updatedAt: '2024-05-01T00:00:00.000Z' },
          [],
          [],
          1,
        ),
      () => store.deleteDocument('a', 2),
      () => store.appliedVersions(['a']),
    ];
    for (const call of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(isStoreUnavailableError(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/^graph store unavailable/);
    }
  });
});
