import type { DocumentMetadata } from '../../model/ingestion-event.ts';

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
  payload: VectorPoint['payload'];
}

/** One write of a batch. */
export type VectorWrite = { kind: 'replace'; docId: string; points: VectorPoint[] } | { kind: 'delete'; docId: string };

/** The vector side of the knowledge base. */
export interface VectorStore {
  /** Creates the collection or table for vectors of `dimension`; a different existing dimension is an error. */
  init(dimension: number): Promise<void>;
  /** Replaces every point of `docId` with `points` (points of chunks past the new count are removed). */
  replaceDocument(docId: string, points: VectorPoint[]): Promise<void>;
  /** Removes every point of the document. */
  deleteDocument(docId: string): Promise<void>;
  /** Optional: applies several writes at once (all or none), where the store can do that cheaper than one by one. */
  applyBatch?(writes: VectorWrite[]): Promise<void>;
  /** The `k` nearest chunks, optionally only from one source. */
  search(vector: Float32Array, k: number, filter?: { source?: string }): Promise<VectorHit[]>;
  /** Number of points stored. */
  countPoints(): Promise<number>;
  close(): Promise<void>;
}
