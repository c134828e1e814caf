import type { DocumentMetadata } from '../../model/ingestion-event.ts';
import type { AppliedVersion, WriteResult } from './document-version.ts';
import type { TextHit, TextSearchFilter } from './text-hit.ts';

/** A document as the graph holds it; `id` is stable across content changes (source + native id or path). */
export interface DocumentRecord {
  id: string;
  source: string;
  path: string;
  url?: string;
  title: string;
  /** SHA-256 of the Markdown content, hex. */
  contentHash: string;
  /** ISO 8601. */
  updatedAt: string;
  /** Document id of the parent page, for page hierarchies. */
  parentId?: string;
  /** Source-specific fields (space, version, ...); absent when the source gives none. */
  metadata?: DocumentMetadata;
}

/** A heading-delimited piece of a document. `id` is `<docId>#<index>`. */
export interface ChunkRecord {
  id: string;
  docId: string;
  index: number;
  heading: string;
  text: string;
}

/** Title, path and address of a document, as search results show its neighbours. */
export interface DocumentRef {
  id: string;
  title: string;
  path: string;
  url?: string;
}

/** A stored document with its chunks and outgoing links. */
export interface StoredDocument extends DocumentRecord {
  chunks: ChunkRecord[];
  /** Target document ids, whether or not those documents exist yet. */
  linksTo: string[];
}

/** One write of a batch; `version` orders the changes to one document (`document-version.ts`). */
export type GraphWrite =
  | { kind: 'upsert'; version: number; document: DocumentRecord; chunks: ChunkRecord[]; linksTo: string[] }
  | { kind: 'delete'; version: number; docId: string };

/**
 * The graph side of the knowledge base: documents, chunks, links and hierarchy. Writes are fenced per document: each
 * applies only when its `version` is at least the version of the last change applied to the document (a delete leaves
 * a tombstone with its version), else it is a no-op answered `{ applied: false }`. The check and the write are one
 * transaction, so two workers writing one document concurrently end with the newer change, whatever the commit order.
 */
export interface GraphStore {
  /** Creates tables, constraints or indexes if missing; idempotent. */
  init(): Promise<void>;
  /** Writes the document, replaces its chunks and its outgoing links, in one transaction, unless a newer change is applied. Re-applying is a no-op. */
  upsertDocument(document: DocumentRecord, chunks: ChunkRecord[], linksTo: string[], version: number): Promise<WriteResult>;
  /** Removes the document, its chunks and its edges and records a tombstone, unless a newer change is applied; a missing document is not an error. */
  deleteDocument(docId: string, version: number): Promise<WriteResult>;
  /** Optional: applies several writes at once (all or none, each fenced on its own, in order), where the store can do that cheaper than one by one. */
  applyBatch?(writes: GraphWrite[]): Promise<WriteResult[]>;
  /** The applied version (or tombstone) of each document the store has seen; documents written before versions read as version 0. */
  appliedVersions(docIds: string[]): Promise<Map<string, AppliedVersion>>;
  /** The document with its chunks and links, or null. */
  getDocument(docId: string): Promise<StoredDocument | null>;
  /** Existing documents this one links to, and documents linking to it. */
  neighbours(docId: string): Promise<{ linksTo: DocumentRef[]; linkedFrom: DocumentRef[] }>;
  /** Number of documents stored. */
  countDocuments(): Promise<number>;
  /**
   * Optional: the `k` chunks whose text, heading or document title best match the words of `query` (exact terms such as
   * `queue.lease_seconds` or `ERR_CODE_42`), best first; any text is a valid query (no syntax of the index leaks out).
   * The index is written in the same transaction as the chunks. Search is vector-only against a store without it.
   */
  searchText?(query: string, k: number, filter?: TextSearchFilter): Promise<TextHit[]>;
  close(): Promise<void>;
}
