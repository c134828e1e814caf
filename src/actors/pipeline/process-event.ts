import { createHash } from 'node:crypto';
import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { ChunkRecord, DocumentRecord, GraphStore } from '../stores/graph-store.ts';
import type { VectorPoint, VectorStore } from '../stores/vector-store.ts';
import { chunkMarkdown } from './chunk-markdown.ts';
import { InvalidEventError } from './invalid-event-error.ts';
import { parseMarkdown } from './parse-markdown.ts';
import { resolveLink } from './resolve-link.ts';

/** What the event processor writes to and embeds with. */
export interface EventProcessorDeps {
  graph: GraphStore;
  vector: VectorStore;
  embedder: Embedder;
  /** Largest chunk text in characters (UTF-16 code units). */
  maxChunkChars: number;
}

/** Applies one ingestion event to both stores. */
export interface EventProcessor {
  /** Upserts or deletes the event's document; safe to call again with the same event. */
  process(event: IngestionEvent): Promise<void>;
}

/**
 * Creates the processor that turns one event into graph and vector writes. The graph is written first and
 * the vector store second; both writes replace the document's whole state, so a redelivery after a crash
 * between them repairs the store that missed the write.
 */
export function createEventProcessor(deps: EventProcessorDeps): EventProcessor {
  const { graph, vector, embedder, maxChunkChars } = deps;

  async function upsert(event: IngestionEvent): Promise<void> {
    if (event.content === undefined) throw new InvalidEventError(event.id, `upsert of ${event.docId} carries no content`);
    const content = event.content;
    const parsed = parseMarkdown(content, event.path);
    const document: DocumentRecord = {
      id: event.docId,
      source: event.source,
      path: event.path,
      title: event.title ?? parsed.title,
      contentHash: createHash('sha256').update(content).digest('hex'),
      updatedAt: event.updatedAt,
      ...(event.url !== undefined && { url: event.url }),
      ...(event.parentId !== undefined && { parentId: event.parentId }),
    };
    const chunks: ChunkRecord[] = chunkMarkdown(parsed.body, { maxChars: maxChunkChars }).map((chunk) => ({
      id: `${event.docId}#${chunk.index}`,
      docId: event.docId,
      index: chunk.index,
      heading: chunk.heading,
      text: chunk.text,
    }));
    const linksTo = new Set<string>();
    for (const target of parsed.links) {
      const resolved = resolveLink(event.source, event.path, target);
      if (resolved !== null && resolved !== event.docId) linksTo.add(resolved);
    }
    // The heading carries the section's topic, which the body text often never repeats.
    const vectors = await embedder.embed(chunks.map((c) => (c.heading ? `${c.heading}\n\n${c.text}` : c.text)));
    if (vectors.length !== chunks.length) {
      throw new Error(`embedder ${embedder.model} returned ${vectors.length} vectors for ${chunks.length} texts`);
    }
    const points: VectorPoint[] = chunks.map((chunk, i) => ({
      chunkId: chunk.id,
      docId: chunk.docId,
      chunkIndex: chunk.index,
      vector: vectors[i],
      payload: {
        source: document.source,
        path: document.path,
        ...(document.url !== undefined && { url: document.url }),
        title: document.title,
        heading: chunk.heading,
        text: chunk.text,
        contentHash: document.contentHash,
        updatedAt: document.updatedAt,
        embeddingModel: embedder.model,
      },
    }));
    await graph.upsertDocument(document, chunks, [...linksTo]);
    await vector.replaceDocument(event.docId, points);
  }

  async function remove(event: IngestionEvent): Promise<void> {
    await graph.deleteDocument(event.docId);
    await vector.deleteDocument(event.docId);
  }

  return {
    process: (event) => (event.kind === 'delete' ? remove(event) : upsert(event)),
  };
}
