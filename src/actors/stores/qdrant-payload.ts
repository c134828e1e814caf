import type { DocumentMetadata } from '../../model/ingestion-event.ts';
import type { VectorHit, VectorPoint } from './vector-store.ts';

/**
 * A point's Qdrant payload: snake_case, as the wire format (`doc_id, chunk_index, source, path, url, title,
 * heading, text, content_hash, updated_at, embedding_model`), plus `metadata` (the source's own fields), `chunk_id` because the point id is a one-way hash
 * of it and a search hit must name its chunk, and `version`, the change that wrote the point (issue 11). `url` is left out when the document has none.
 */
export type QdrantPayload = Record<string, unknown>;

/** The payload stored with `point` of document `docId`, written by the change with `version`. */
export function toQdrantPayload(docId: string, version: number, point: VectorPoint): QdrantPayload {
  const p = point.payload;
  return {
    chunk_id: point.chunkId,
    doc_id: docId,
    chunk_index: point.chunkIndex,
    source: p.source,
    path: p.path,
    ...(p.url !== undefined && { url: p.url }),
    title: p.title,
    ...(p.metadata !== undefined && { metadata: p.metadata }),
    heading: p.heading,
    text: p.text,
    content_hash: p.contentHash,
    updated_at: p.updatedAt,
    embedding_model: p.embeddingModel,
    version,
  };
}

/** A search hit from a scored point's `id`, `score` and payload (missing text fields read as empty). */
export function fromQdrantPayload(id: string | number, score: number, payload: QdrantPayload | null | undefined): VectorHit {
  const p = payload ?? {};
  const str = (key: string): string => (typeof p[key] === 'string' ? (p[key] as string) : '');
  return {
    // Points written by inlet always carry chunk_id; the point id is the only other handle.
    chunkId: typeof p.chunk_id === 'string' ? p.chunk_id : String(id),
    docId: str('doc_id'),
    chunkIndex: typeof p.chunk_index === 'number' ? p.chunk_index : -1,
    score,
    // Points written before versions have none: version 0, as the graph reads documents of that time.
    version: typeof p.version === 'number' ? p.version : 0,
    payload: {
      source: str('source'),
      path: str('path'),
      ...(typeof p.url === 'string' && { url: p.url }),
      title: str('title'),
      ...metadataOf(p.metadata),
      heading: str('heading'),
      text: str('text'),
      contentHash: str('content_hash'),
      updatedAt: str('updated_at'),
      embeddingModel: str('embedding_model'),
    },
  };
}

/** `{ metadata }` when the payload holds a flat object of strings and numbers (as inlet writes it), else nothing. */
function metadataOf(value: unknown): { metadata?: DocumentMetadata } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const entries = Object.entries(value).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number');
  return entries.length > 0 ? { metadata: Object.fromEntries(entries) } : {};
}
