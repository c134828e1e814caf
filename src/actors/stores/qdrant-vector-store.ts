import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { isOutdated, type VersionAuthority, type WriteResult } from './document-version.ts';
import { wrapQdrantError } from './qdrant-error.ts';
import { fromQdrantPayload, toQdrantPayload } from './qdrant-payload.ts';
import { qdrantPointId } from './qdrant-point-id.ts';
import type { VectorHit, VectorPoint, VectorStore } from './vector-store.ts';

export { createQdrantClient, type QdrantClientOptions } from './qdrant-client-factory.ts';

/** Points per upsert request: small enough for Qdrant's default 32 MiB body limit with 3072-dimensional vectors and long texts. */
const UPSERT_BATCH = 64;

// doc_id and source as the issue asks; version too because the fenced deletes filter on it, and a collection in
// strict mode rejects updates filtered on unindexed fields (`unindexed_filtering_update: false`, on by default for new
// Qdrant Cloud collections: https://qdrant.tech/documentation/cloud/configure-cluster/). chunk_index is no longer
// filtered on (older collections keep its index; it does no harm).
const PAYLOAD_INDEXES = [
  ['doc_id', 'keyword'],
  ['source', 'keyword'],
  ['version', 'integer'],
] as const;

/**
 * VectorStore on one Qdrant collection (cosine distance, one unnamed dense vector per chunk).
 * Point ids are v5 UUIDs of the chunk id and the version (`qdrantPointId`), and every point carries its `version` in
 * the payload, so the points of two changes to one document never overwrite each other.
 * The caller builds the client (`createQdrantClient`) and owns it; `close()` leaves it alone.
 * Failures to reach Qdrant (network, timeout, 408/429/5xx) throw `StoreUnavailableError('vector')`.
 *
 * Ordering (issue 11). Qdrant has no conditional write, so the fence is write-then-validate against the graph store,
 * which fences in a transaction and is written first (the delete path writes its tombstone there before coming here):
 *   upsert of version v: (1) graph fenced write; (2) write P_v, the points of v; (3) read the graph's version g of the
 *     document (`authority`); (4) if g outdates v, delete P_v (filter doc_id and version = v), else delete the
 *     document's points of versions below v (and points without a version).
 *   delete of version w: (1) graph tombstone w (fenced); (2) delete the document's points of versions up to w.
 * Claim: once every event has been processed, only the points of the newest change remain (none if it is a delete).
 * Let n be the newest version of the document; the graph ends at n and never goes back. Take an upsert v < n whose
 * P_v were written in (2). Its read (3) comes after (2) and sees g >= v (its own step (1) ensured that).
 *   - g > v: it deletes P_v itself in (4), after writing them.
 *   - g = v: n's step (1) had not happened yet, so it happens after our (3), hence after our (2); n's worker then
 *     removes every version below n (its (4), since its (3) sees n: nothing is newer) or up to n (delete step (2)),
 *     P_v included, after they were written.
 * And nothing removes P_n when n is an upsert: other upserts remove only their own version or versions below theirs,
 * deletes only versions up to theirs, all below n, and n's own (3) sees n, which does not outdate it. A crash between
 * (2) and (4) leaves P_v until the event is redelivered (same version), which repeats the steps. Meanwhile search drops
 * hits whose version is not the graph's (`searchDocuments`), so stale points written in (2) are never shown.
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
   * Upserts `points` of `version` in batches, asks `authority` for the document's applied version, then deletes either
   * the points it just wrote (a newer change is applied: `{ applied: false }`) or the document's points of older
   * versions (see the class comment). Idempotent, so a redelivery repairs a crash between the steps.
   */
  async replaceDocument(docId: string, version: number, points: VectorPoint[], authority: VersionAuthority): Promise<WriteResult> {
    for (let i = 0; i < points.length; i += UPSERT_BATCH) {
      const batch = points.slice(i, i + UPSERT_BATCH).map((p) => ({
        id: qdrantPointId(p.chunkId, version),
        vector: Array.from(p.vector),
        payload: toQdrantPayload(docId, version, p),
      }));
      // wait: true so the write is applied before the event is acknowledged (the client's default, made explicit).
      await this.call('upsert points', () => this.client.upsert(this.collection, { wait: true, points: batch }));
    }
    const current = (await authority([docId])).get(docId);
    const ofDoc: Schemas['Condition'] = { key: 'doc_id', match: { value: docId } };
    if (isOutdated(version, current)) {
      await this.deleteWhere('delete outdated points', { must: [ofDoc, { key: 'version', match: { value: version } }] });
      return { applied: false };
    }
    // must_not rather than a range under must: a point without `version` (written before versions) matches no range.
    await this.deleteWhere('delete older points', { must: [ofDoc], must_not: [{ key: 'version', range: { gte: version } }] });
    return { applied: true };
  }

  /**
   * Removes the document's points written by changes up to `version` (and points without a version); a missing
   * document is not an error. Always safe to run, so it runs even when `authority` already holds a newer change, which
   * only makes the answer `{ applied: false }`.
   */
  async deleteDocument(docId: string, version: number, authority: VersionAuthority): Promise<WriteResult> {
    await this.deleteWhere('delete the document', {
      must: [{ key: 'doc_id', match: { value: docId } }],
      must_not: [{ key: 'version', range: { gt: version } }],
    });
    const current = (await authority([docId])).get(docId);
    return { applied: current === undefined || current.version <= version };
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
