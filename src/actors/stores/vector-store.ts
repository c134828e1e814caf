import type { DocumentMetadata } from '../../model/ingestion-event.ts';
import type { VersionAuthority, WriteResult } from './document-version.ts';

/** One chunk's vector with the payload search results show. */
export interface VectorPoint {
  chunkId: string;
  docId: string;
  chunkIndex: number;
  vector: Float32Array;
  payload: {
    source: string;
    path: string;
    url?: string;
    title: string;
    /** The document's source-specific fields, so a hit can be shown (or filtered) without a graph lookup. */
    metadata?: DocumentMetadata;
    heading: string;
    text: string;
    contentHash: string;
    updatedAt: string;
    embeddingModel: string;
  };
}

/** A nearest-neighbour hit; `score` is cosine similarity (1 is identical). */
export interface VectorHit {
  chunkId: string;
  docId: string;
  chunkIndex: number;
  score: number;
  /** The version of the change the point was written by (0 for points written before versions). */
  version: number;
  payload: VectorPoint['payload'];
}

/** One write of a batch; `version` orders the changes to one document (`document-version.ts`). */
export type VectorWrite = { kind: 'replace'; version: number; docId: string; points: VectorPoint[] } | { kind: 'delete'; version: number; docId: string };

/**
 * The vector side of the knowledge base. Writes are fenced per document as in `GraphStore`: when the store ends, only the
 * points of the newest change to a document remain (none after a delete), and a write found stale answers `{ applied: false }`.
 * A store that can fence in a transaction ignores `authority`; one that cannot (Qdrant) writes, then asks `authority`
 * (the graph store, written first) whether a newer change was applied meanwhile, and removes what it wrote if so.
 */
export interface VectorStore {
  /** Creates the collection or table for vectors of `dimension`; a different existing dimension is an error. */
  init(dimension: number): Promise<void>;
  /** Replaces every point of `docId` with `points` (points of chunks past the new count are removed), unless a newer change is applied. */
  replaceDocument(docId: string, version: number, points: VectorPoint[], authority: VersionAuthority): Promise<WriteResult>;
  /** Removes every point of the document written by a change up to `version`. */
  deleteDocument(docId: string, version: number, authority: VersionAuthority): Promise<WriteResult>;
  /** Optional: applies several writes at once (all or none), where the store can do that cheaper than one by one. */
  applyBatch?(writes: VectorWrite[], authority: VersionAuthority): Promise<WriteResult[]>;
  /** The `k` nearest chunks, optionally only from one source. */
  search(vector: Float32Array, k: number, filter?: { source?: string }): Promise<VectorHit[]>;
  /** Number of points stored. */
  countPoints(): Promise<number>;
  close(): Promise<void>;
}
