import { createHash } from 'node:crypto';
import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { ChunkRecord, DocumentRecord, GraphStore } from '../stores/graph-store.ts';
import type { VectorPoint, VectorStore } from '../stores/vector-store.ts';
import { chunkMarkdown } from './chunk-markdown.ts';
import { InvalidEventError } from './invalid-event-error.ts';
import { parseMarkdown } from './parse-markdown.ts';
import { resolveLink } from './resolve-link.ts';
import { isEmbedderUnavailableError } from '../embed/embedder-unavailable-error.ts';
import { isStoreUnavailableError } from '../stores/store-errors.ts';

/** What the event processor writes to and embeds with. */
export interface EventProcessorDeps {
  graph: GraphStore;
  vector: VectorStore;
  embedder: Embedder;
  /** Largest chunk text in characters (UTF-16 code units). */
  maxChunkChars: number;
}

/** Applies ingestion events to both stores. */
export interface EventProcessor {
  /** Upserts or deletes the event's document; safe to call again with the same event. */
  process(event: IngestionEvent): Promise<void>;
  /**
   * Applies a batch: each event is parsed, chunked and embedded on its own (a bad event fails alone, as its entry
   * in the result), then the writes go to each store in one batch where the store supports it. A store or embedder
   * outage rejects the whole call: nothing of the batch may be taken as done.
   */
  processMany(events: IngestionEvent[]): Promise<(Error | null)[]>;
}

/** The writes one event comes to, computed before any store is touched. */
type PreparedWrite =
  | { kind: 'upsert'; document: DocumentRecord; chunks: ChunkRecord[]; linksTo: string[]; points: VectorPoint[] }
  | { kind: 'delete'; docId: string };

/**
 * Creates the processor that turns one event into graph and vector writes. The graph is written first and
 * the vector store second; both writes replace the document's whole state, so a redelivery after a crash
 * between them repairs the store that missed the write.
 */
export function createEventProcessor(deps: EventProcessorDeps): EventProcessor {
  const { graph, vector, embedder, maxChunkChars } = deps;

  async function prepareUpsert(event: IngestionEvent): Promise<PreparedWrite> {
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
      ...(event.metadata !== undefined && { metadata: event.metadata }),
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
        ...(document.metadata !== undefined && { metadata: document.metadata }),
        heading: chunk.heading,
        text: chunk.text,
        contentHash: document.contentHash,
        updatedAt: document.updatedAt,
        embeddingModel: embedder.model,
      },
    }));
    return { kind: 'upsert', document, chunks, linksTo: [...linksTo], points };
  }

  const prepare = (event: IngestionEvent): Promise<PreparedWrite> =>
    event.kind === 'delete' ? Promise.resolve({ kind: 'delete', docId: event.docId }) : prepareUpsert(event);

  async function write(w: PreparedWrite): Promise<void> {
    if (w.kind === 'delete') {
      await graph.deleteDocument(w.docId);
      await vector.deleteDocument(w.docId);
    } else {
      await graph.upsertDocument(w.document, w.chunks, w.linksTo);
      await vector.replaceDocument(w.document.id, w.points);
    }
  }

  async function processMany(events: IngestionEvent[]): Promise<(Error | null)[]> {
    const outcomes: (Error | null)[] = [];
    const ready: { index: number; write: PreparedWrite }[] = [];
    for (const [index, event] of events.entries()) {
      try {
        ready.push({ index, write: await prepare(event) });
        outcomes.push(null);
      } catch (error) {
        if (isOutage(error)) throw error;
        outcomes.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    if (graph.applyBatch && vector.applyBatch && ready.length > 1) {
      try {
        // One transaction per store for the whole batch: per-document commits were most of the worker's time.
        await graph.applyBatch(ready.map(({ write: w }) => (w.kind === 'delete' ? w : { kind: 'upsert', document: w.document, chunks: w.chunks, linksTo: w.linksTo })));
        await vector.applyBatch(ready.map(({ write: w }) => (w.kind === 'delete' ? w : { kind: 'replace', docId: w.document.id, points: w.points })));
        return outcomes;
      } catch (error) {
        if (isOutage(error)) throw error;
        // Some write of the batch was refused: retry one by one so only the culprit fails.
      }
    }
    for (const { index, write: w } of ready) {
      try {
        await write(w);
      } catch (error) {
        if (isOutage(error)) throw error;
        outcomes[index] = error instanceof Error ? error : new Error(String(error));
      }
    }
    return outcomes;
  }

  return {
    process: async (event) => write(await prepare(event)),
    processMany,
  };
}

/** A store or embedder that cannot be reached: no event is at fault. */
function isOutage(error: unknown): boolean {
  return isStoreUnavailableError(error) || isEmbedderUnavailableError(error);
}
