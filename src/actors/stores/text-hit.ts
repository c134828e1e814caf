import type { DocumentMetadata } from '../../model/ingestion-event.ts';

/** Restricts a full-text search. */
export interface TextSearchFilter {
  /** Only chunks of this source (a connector name). */
  source?: string;
  /** Only chunks of documents whose path starts with this (`docs/api/`). */
  pathPrefix?: string;
}

/**
 * A chunk found by its words in the graph store's full-text index (FTS5 in SQLite, Lucene in Neo4j), with what a search
 * hit shows. `score` is the index's own relevance (BM25-like, higher is better; not comparable with cosine similarity).
 */
export interface TextHit {
  chunkId: string;
  docId: string;
  chunkIndex: number;
  score: number;
  document: { source: string; path: string; url?: string; title: string; metadata?: DocumentMetadata };
  heading: string;
  text: string;
}
