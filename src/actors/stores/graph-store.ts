import type { DocumentMetadata } from '../../model/ingestion-event.ts';

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

/** One write of a batch. */
export type GraphWrite = { kind: 'upsert'; document: DocumentRecord; chunks: ChunkRecord[]; linksTo: string[] } | { kind: 'delete'; docId: string };

/** The graph side of the knowledge base: documents, chunks, links and hierarchy. */
export interface GraphStore {
  /** Creates tables, constraints or indexes if missing; idempotent. */
  init(): Promise<void>;
  /** Writes the document, replaces its chunks and its outgoing links, in one transaction. Re-applying is a no-op. */
  upsertDocument(document: DocumentRecord, chunks: ChunkRecord[], linksTo: string[]): Promise<void>;
  /** Removes the document, its chunks and its edges; a missing document is not an error. */
  deleteDocument(docId: string): Promise<void>;
  /** Optional: applies several writes at once (all or none), where the store can do that cheaper than one by one. */
  applyBatch?(writes: GraphWrite[]): Promise<void>;
  /** The document with its chunks and links, or null. */
  getDocument(docId: string): Promise<StoredDocument | null>;
  /** Existing documents this one links to, and documents linking to it. */
  neighbours(docId: string): Promise<{ linksTo: DocumentRef[]; linkedFrom: DocumentRef[] }>;
  /** Number of documents stored. */
  countDocuments(): Promise<number>;
  close(): Promise<void>;
}
