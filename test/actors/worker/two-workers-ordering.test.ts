/**
 * Issue 11, "Ordering per document", at the worker level: TWO workers (each its own queue client, its own store
 * connections, as two processes would have) share one real Redis queue and one set of stores. The embedder is a fake
 * whose embedding of a marked text waits until the test releases it, so the races are set up with promises, never
 * with sleeps: the older upsert's worker is held until the other worker has committed the newer delete.
 * Runs on the embedded SQLite stores and on Neo4j (the run's harness) + Qdrant (the contract server).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import type { Embedder } from '../../../src/actors/embed/embedder.ts';
import { HashedEmbedder } from '../../../src/actors/embed/hashed-embedder.ts';
import { createEventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import type { ClaimedEvent, IngestionQueue } from '../../../src/actors/queue/ingestion-queue.ts';
import { RedisQueue } from '../../../src/actors/queue/redis-queue.ts';
import { searchDocuments } from '../../../src/actors/search/search-documents.ts';
import type { GraphStore } from '../../../src/actors/stores/graph-store.ts';
import { Neo4jGraphStore } from '../../../src/actors/stores/neo4j-graph-store.ts';
import { createQdrantClient } from '../../../src/actors/stores/qdrant-client-factory.ts';
import { QdrantVectorStore } from '../../../src/actors/stores/qdrant-vector-store.ts';
import { SqliteGraphStore } from '../../../src/actors/stores/sqlite-graph-store.ts';
import { SqliteVectorStore } from '../../../src/actors/stores/sqlite-vector-store.ts';
import type { VectorStore } from '../../../src/actors/stores/vector-store.ts';
import { openDatabase } from '../../../src/actors/system/open-backends.ts';
import { createProcessBatchLogic } from '../../../src/actors/worker/create-process-batch-logic.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';
import { lockNeo4j } from '../../support/neo4j-lock.ts';
import { createTestNeo4jDriver, neo4jAvailable } from '../../support/neo4j-test-driver.ts';
import { startQdrantContractServer } from '../../support/qdrant-contract-server.ts';
import { testQueueOptions } from '../../support/queue-backends.ts';

const redisUrl = inject('redisUrl');
const LEASE_MS = 30_000;

/** A promise with its resolve function outside. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** HashedEmbedder whose embedding of a batch holding a marked text waits until the test releases it (once per hold). */
class GatedEmbedder implements Embedder {
  private readonly inner = new HashedEmbedder({ dimension: 16 });
  readonly model = this.inner.model;
  readonly dimension = this.inner.dimension;
  readonly maxInputTokens = this.inner.maxInputTokens;
  private readonly gates = new Map<string, { reached: () => void; release: Promise<void> }>();
  /** Texts embedded so far, in order. */
  readonly embedded: string[] = [];

  /** Holds the next embedding of a text containing `marker`; `reached` resolves when it starts waiting. */
  hold(marker: string): { reached: Promise<void>; release: () => void } {
    const reached = deferred();
    const release = deferred();
    this.gates.set(marker, { reached: reached.resolve, release: release.promise });
    return { reached: reached.promise, release: release.resolve };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.embedded.push(...texts);
    for (const [marker, gate] of this.gates) {
      if (!texts.some((t) => t.includes(marker))) continue;
      this.gates.delete(marker);
      gate.reached();
      await gate.release;
    }
    return this.inner.embed(texts);
  }
}

/** One deployment's stores: `connect()` gives a worker its own clients on them. */
interface Stores {
  connect(): { graph: GraphStore; vector: VectorStore };
  dispose(): Promise<void>;
}

const storeSetups: { name: string; available: boolean; open(dimension: number): Promise<Stores> }[] = [
  {
    name: 'embedded SQLite stores (one file, a connection per worker)',
    available: true,
    async open(dimension) {
      const dir = mkdtempSync(join(tmpdir(), 'inlet-two-workers-'));
      const path = join(dir, 'inlet.db');
      const dbs: ReturnType<typeof openDatabase>[] = [];
      const first = openDatabase(path);
      dbs.push(first);
      await new SqliteGraphStore(first).init();
      await new SqliteVectorStore(first).init(dimension);
      return {
        connect() {
          const db = openDatabase(path);
          dbs.push(db);
          return { graph: new SqliteGraphStore(db), vector: new SqliteVectorStore(db) };
        },
        async dispose() {
          for (const db of dbs) db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'Neo4j (harness) + Qdrant (contract server), two commits per document',
    available: neo4jAvailable,
    async open(dimension) {
      // Other files compare global counts on the run's Neo4j: hold it while this suite writes (neo4j-lock.ts).
      const release = await lockNeo4j(inject('neo4jUrl'));
      const qdrant = await startQdrantContractServer();
      const drivers: Driver[] = [];
      const first = createTestNeo4jDriver();
      drivers.push(first);
      await new Neo4jGraphStore(first).init();
      await new QdrantVectorStore(createQdrantClient(qdrant.url), 'chunks').init(dimension);
      return {
        connect() {
          const driver = createTestNeo4jDriver();
          drivers.push(driver);
          return { graph: new Neo4jGraphStore(driver), vector: new QdrantVectorStore(createQdrantClient(qdrant.url), 'chunks') };
        },
        async dispose() {
          const violations = [...qdrant.violations, ...qdrant.responseViolations];
          await Promise.all(drivers.map((d) => d.close()));
          await qdrant.close();
          release();
          expect(violations).toEqual([]);
        },
      };
    },
  },
];

/** A worker: its own queue clients and store clients, running batches through the real processBatch logic. */
interface Worker {
  queue: IngestionQueue;
  graph: GraphStore;
  vector: VectorStore;
  /** Claims what is ready and processes it; resolves with the batch outcome. */
  runOnce(claimed?: ClaimedEvent[]): Promise<{ processed: number; retried: number; deadLettered: number }>;
  close(): Promise<void>;
}

for (const setup of storeSetups) {
  describe.skipIf(redisUrl === '' || !setup.available)(`two workers, one Redis queue: ${setup.name}`, { timeout: 60_000 }, () => {
    let stores: Stores;
    let embedder: GatedEmbedder;
    let workers: [Worker, Worker];
    let clock: { now: number };
    let queueName: string;
    let source: string;
    let docId: string;
    const failures: Record<string, unknown>[] = [];

    function startWorker(): Worker {
      const redis = new Redis(redisUrl);
      const blocking = new Redis(redisUrl);
      const queue = new RedisQueue(redis, blocking, { ...testQueueOptions({ name: queueName, leaseMs: LEASE_MS }), now: () => clock.now });
      const { graph, vector } = stores.connect();
      const processor = createEventProcessor({ graph, vector, embedder });
      const logic = createProcessBatchLogic(queue, processor, (_message, fields) => failures.push(fields));
      return {
        queue,
        graph,
        vector,
        async runOnce(claimed) {
          const items = claimed ?? (await queue.claim({ max: 10, waitMs: 0 }));
          return toPromise(createActor(logic, { input: { size: items.length, items } }).start());
        },
        async close() {
          await queue.close();
          redis.disconnect();
          blocking.disconnect();
        },
      };
    }

    const event = (n: number, kind: 'upsert' | 'delete', content?: string): IngestionEvent => ({
      id: `${docId}:${n}`,
      source,
      kind,
      docId,
      path: 'guide.md',
      updatedAt: `2026-12-0${n}T00:00:00.000Z`,
      ...(content !== undefined && { content }),
    });

    /** What each store holds of the document, read through the second worker's clients. */
    async function stateOfDocument() {
      const [, b] = workers;
      const query = await new HashedEmbedder({ dimension: embedder.dimension }).embed(['guide version']);
      const hits = (await b.vector.search(query[0], 50)).filter((h) => h.docId === docId);
      const found = await searchDocuments({ embedder: new HashedEmbedder({ dimension: embedder.dimension }), vector: b.vector, graph: b.graph }, { q: 'guide version', k: 50 });
      return {
        document: await b.graph.getDocument(docId),
        applied: (await b.graph.appliedVersions([docId])).get(docId),
        points: hits.map((h) => h.version),
        searchHits: found.results.filter((r) => r.document.id === docId).length,
      };
    }

    beforeEach(async () => {
      embedder = new GatedEmbedder();
      stores = await setup.open(embedder.dimension);
      clock = { now: 1_700_000_000_000 };
      queueName = `test:${randomUUID()}:ingestion:queue`;
      source = `race-${randomUUID().slice(0, 8)}`;
      docId = `${source}:guide.md`;
      failures.length = 0;
      workers = [startWorker(), startWorker()];
    });
    afterEach(async () => {
      const [a, b] = workers;
      // A shared Neo4j outlives the test: leave the document deleted, at the highest version there is.
      await b.graph.deleteDocument(docId, Number.MAX_SAFE_INTEGER);
      await a.queue.clear();
      // clear() keeps the sequence counter on purpose (sequences never go back); a test queue drops it too.
      const redis = new Redis(redisUrl);
      await redis.del(`{${queueName}}:seq`);
      redis.disconnect();
      await a.close();
      await b.close();
      await stores.dispose();
      expect(failures).toEqual([]);
    });

    it('an edit held in embedding while the other worker commits the newer delete stays a no-op: deleted in both stores, for good', async () => {
      const [a, b] = workers;
      await a.queue.enqueue([event(1, 'upsert', '# Guide\n\nThe guide version one.')]);
      expect(await b.runOnce()).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
      expect((await stateOfDocument()).points.length).toBe(1);

      const gate = embedder.hold('edited just before the delete');
      await a.queue.enqueue([event(2, 'upsert', '# Guide\n\nThe guide version two, edited just before the delete.')]);
      const heldByA = await a.queue.claim({ max: 10, waitMs: 0 });
      expect(heldByA.map((c) => c.event.id)).toEqual([`${docId}:2`]);
      const runA = a.runOnce(heldByA);
      await gate.reached;

      await b.queue.enqueue([event(3, 'delete')]);
      expect(await b.runOnce()).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
      const deleted = { document: null, applied: { version: expect.any(Number), deleted: true }, points: [], searchHits: 0 };
      expect(await stateOfDocument()).toEqual(deleted);

      gate.release();
      // The stale edit is acknowledged like a written event: no retry would ever make it right.
      expect(await runA).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
      expect(await stateOfDocument()).toEqual(deleted);
      expect((await stateOfDocument()).applied?.version).toBeGreaterThan(heldByA[0].sequence);
      expect(await a.queue.claim({ max: 10, waitMs: 0 })).toEqual([]);
    });

    it('an edit whose worker died is redelivered after the delete with its old sequence, and stays a no-op', async () => {
      const [a, b] = workers;
      await a.queue.enqueue([event(1, 'upsert', '# Guide\n\nThe guide version one.')]);
      await b.runOnce();
      await a.queue.enqueue([event(2, 'upsert', '# Guide\n\nThe guide version two.')]);
      // Worker A claims the edit and dies holding it: never processed, never acknowledged.
      const lost = await a.queue.claim({ max: 10, waitMs: 0 });
      expect(lost).toHaveLength(1);

      await b.queue.enqueue([event(3, 'delete')]);
      expect(await b.runOnce()).toEqual({ processed: 1, retried: 0, deadLettered: 0 });

      clock.now += LEASE_MS + 1;
      expect(await b.queue.reapExpiredLeases()).toBe(1);
      const redelivered = await b.queue.claim({ max: 10, waitMs: 0 });
      expect(redelivered.map((c) => [c.event.id, c.sequence])).toEqual([[`${docId}:2`, lost[0].sequence]]);
      expect(await b.runOnce(redelivered)).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
      expect(await stateOfDocument()).toEqual({ document: null, applied: { version: expect.any(Number), deleted: true }, points: [], searchHits: 0 });
    });

    it('the older write racing a newer one on the other worker loses, whichever commits last', async () => {
      const [a, b] = workers;
      // Two edits: the older one's worker is held in embedding until the newer one has committed on the other worker.
      await a.queue.enqueue([event(1, 'upsert', '# Guide\n\nThe guide version one, about to go.')]);
      const gate = embedder.hold('about to go');
      const heldByA = await a.queue.claim({ max: 10, waitMs: 0 });
      const runA = a.runOnce(heldByA);
      await gate.reached;
      await b.queue.enqueue([event(2, 'upsert', '# Guide\n\nThe guide version two, the newest.')]);
      expect(await b.runOnce()).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
      gate.release();
      expect(await runA).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
      const state = await stateOfDocument();
      expect(state.document?.chunks.map((c) => c.text)).toEqual(['The guide version two, the newest.']);
      expect(state.points).toEqual([state.applied?.version]);
      expect(state.searchHits).toBe(1);
    });

    it('several events of one document in a claimed batch collapse to the newest; the older are acknowledged unembedded', async () => {
      const [a] = workers;
      await a.queue.enqueue([
        event(1, 'upsert', '# Guide\n\nThe guide version one.'),
        event(2, 'upsert', '# Guide\n\nThe guide version two.'),
        event(3, 'delete'),
      ]);
      expect(await a.runOnce()).toEqual({ processed: 3, retried: 0, deadLettered: 0 });
      expect(embedder.embedded).toEqual([]);
      expect(await stateOfDocument()).toEqual({ document: null, applied: { version: expect.any(Number), deleted: true }, points: [], searchHits: 0 });
      expect(await a.queue.claim({ max: 10, waitMs: 0 })).toEqual([]);
    });
  });
}
