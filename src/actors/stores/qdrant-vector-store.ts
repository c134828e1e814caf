import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { wrapQdrantError } from './qdrant-error.ts';
import { fromQdrantPayload, toQdrantPayload } from './qdrant-payload.ts';
import { qdrantPointId } from './qdrant-point-id.ts';
import type { VectorHit, VectorPoint, VectorStore } from './vector-store.ts';

export { createQdrantClient, type QdrantClientOptions } from './qdrant-client-factory.ts';

/** Points per upsert request: small enough for Qdrant's default 32 MiB body limit with 3072-dimensional vectors and long texts. */
const UPSERT_BATCH = 64;

// doc_id and source as the issue asks; chunk_index too because the shrink filters on its range, and a collection in
// strict mode rejects updates filtered on unindexed fields (`unindexed_filtering_update: false`, on by default for new
// Qdrant Cloud collections: https://qdrant.tech/documentation/cloud/configure-cluster/).
const PAYLOAD_INDEXES = [
  ['doc_id', 'keyword'],
  ['source', 'keyword'],
  ['chunk_index', 'integer'],
] as const;

/**
 * VectorStore on one Qdrant collection (cosine distance, one unnamed dense vector per chunk).
 * Point ids are v5 UUIDs of the chunk ids (`qdrantPointId`), so re-ingesting a document overwrites its points.
 * The caller builds the client (`createQdrantClient`) and owns it; `close()` leaves it alone.
 * Failures to reach Qdrant (network, timeout, 408/429/5xx) throw `StoreUnavailableError('vector')`.
 */
export class QdrantVectorStore implements VectorStore {
  constructor(
    private readonly client: QdrantClient,
    private readonly collection: string,
  ) {}

  /**
   * Creates the collection for `dimension` if missing and the payload indexes (doc_id, source, chunk_index); an existing collection with another
   * size or distance, or with named vectors, throws (re-ingesting into a fresh collection is the fix).
   */
  async init(dimension: number): Promise<void> {
    if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
    const { exists } = await this.call('check the collection', () => this.client.collectionExists(this.collection));
    if (!exists) await this.createCollection(dimension);
    const info = await this.call('read the collection', () => this.client.getCollection(this.collection));
    this.checkVectors(info.config.params.vectors, dimension);
    for (const [field, type] of PAYLOAD_INDEXES) {
      if (info.payload_schema[field]?.data_type === type) continue;
      await this.call(`index ${field}`, () =>
        this.client.createPayloadIndex(this.collection, { field_name: field, field_schema: type, wait: true }),
      );
    }
  }

  /**
   * Upserts `points` in batches, then deletes the document's points at `chunk_index >= points.length` (all of them
   * when `points` is empty). Chunk indexes must be 0..n-1, which the range delete relies on. Idempotent, so a
   * redelivery repairs a crash between the two steps.
   */
  async replaceDocument(docId: string, points: VectorPoint[]): Promise<void> {
    assertDenseIndexes(docId, points);
    for (let i = 0; i < points.length; i += UPSERT_BATCH) {
      const batch = points.slice(i, i + UPSERT_BATCH).map((p) => ({
        id: qdrantPointId(p.chunkId),
        vector: Array.from(p.vector),
        payload: toQdrantPayload(docId, p),
      }));
      // wait: true so the write is applied before the event is acknowledged (the client's default, made explicit).
      await this.call('upsert points', () => this.client.upsert(this.collection, { wait: true, points: batch }));
    }
    const must: Schemas['Condition'][] = [{ key: 'doc_id', match: { value: docId } }];
    if (points.length > 0) must.push({ key: 'chunk_index', range: { gte: points.length } });
    await this.deleteWhere('delete stale points', { must });
  }

  /** Removes every point of the document; a missing document is not an error. */
  async deleteDocument(docId: string): Promise<void> {
    await this.deleteWhere('delete the document', { must: [{ key: 'doc_id', match: { value: docId } }] });
  }

  /** The `k` nearest chunks; `score` is Qdrant's cosine similarity. */
  async search(vector: Float32Array, k: number, filter: { source?: string } = {}): Promise<VectorHit[]> {
    const limit = Math.floor(k);
    if (!(limit > 0)) return [];
    const response = await this.call('search', () =>
      this.client.query(this.collection, {
        query: Array.from(vector),
        limit,
        with_payload: true,
        ...(filter.source !== undefined && { filter: { must: [{ key: 'source', match: { value: filter.source } }] } }),
      }),
    );
    return response.points.map((p) => fromQdrantPayload(p.id, p.score, p.payload));
  }

  /** Exact number of points in the collection. */
  async countPoints(): Promise<number> {
    const { count } = await this.call('count points', () => this.client.count(this.collection, { exact: true }));
    return count;
  }

  /** Does nothing: the caller built the client and may share it. */
  async close(): Promise<void> {}

  private async createCollection(dimension: number): Promise<void> {
    try {
      await this.client.createCollection(this.collection, { vectors: { size: dimension, distance: 'Cosine' } });
    } catch (error) {
      // Another worker may have created it between our check and our create; its size is checked next.
      const { exists } = await this.call('check the collection', () => this.client.collectionExists(this.collection));
      if (!exists) throw wrapQdrantError('create the collection', error);
    }
  }

  private checkVectors(vectors: Schemas['VectorsConfig'] | undefined, dimension: number): void {
    const where = `Qdrant collection "${this.collection}"`;
    if (vectors === undefined || typeof vectors.size !== 'number') {
      throw new Error(`${where} uses named vectors; inlet needs one unnamed vector per point: use another collection`);
    }
    if (vectors.size !== dimension) {
      throw new Error(
        `${where} holds ${vectors.size}-dimensional vectors but the embedder produces ${dimension}: ` +
          'the embedding model changed; configure a new collection (stores.qdrant.collection) or delete this one, then re-ingest',
      );
    }
    if (vectors.distance !== 'Cosine') {
      throw new Error(`${where} uses ${String(vectors.distance)} distance but inlet scores by Cosine: use another collection`);
    }
  }

  private async deleteWhere(action: string, filter: Schemas['Filter']): Promise<void> {
    // delete() sends no `wait` unless asked, and the server default is asynchronous (notes §4.7).
    await this.call(action, () => this.client.delete(this.collection, { wait: true, filter }));
  }

  private async call<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw wrapQdrantError(`${action} in "${this.collection}"`, error);
    }
  }
}

function assertDenseIndexes(docId: string, points: VectorPoint[]): void {
  const seen = new Set<number>();
  for (const p of points) {
    if (!Number.isInteger(p.chunkIndex) || p.chunkIndex < 0 || p.chunkIndex >= points.length || seen.has(p.chunkIndex)) {
      throw new RangeError(`document ${docId}: chunk indexes must be 0..${points.length - 1} without gaps, got ${p.chunkIndex}`);
    }
    seen.add(p.chunkIndex);
  }
}
