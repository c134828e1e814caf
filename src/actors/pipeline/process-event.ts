import { createHash } from 'node:crypto';
import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { VersionAuthority, WriteResult } from '../stores/document-version.ts';
import type { ChunkRecord, DocumentRecord, GraphStore } from '../stores/graph-store.ts';
import type { VectorPoint, VectorStore } from '../stores/vector-store.ts';
import { chunkMarkdownBlocks } from './chunk-markdown.ts';
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
  /**
   * Chunk size aimed at, in cl100k_base tokens; default `DEFAULT_TARGET_TOKENS` (512). Chunks never exceed the
   * embedder's `maxInputTokens`, which wins when smaller.
   */
  targetChunkTokens?: number;
}

/**
 * What became of one event: null when it was written, `'stale'` when both stores already held a newer change to its
 * document (a no-op to acknowledge, not a failure), or the error it failed with on its own.
 */
export type EventOutcome = Error | 'stale' | null;

/** Applies ingestion events to both stores. */
export interface EventProcessor {
  /**
   * Upserts or deletes the event's document as the change with `version` (the queue's sequence for the event):
   * each store applies it only if it holds no newer change to the document. Safe to call again with the same event.
   */
  process(event: IngestionEvent, version: number): Promise<void>;
  /**
   * Applies a batch, `versions[i]` being the version of `events[i]`: each event is parsed, chunked and embedded on its
   * own (a bad event fails alone, as its entry in the result), then the writes go to each store in one batch where the
   * store supports it. A store or embedder outage rejects the whole call: nothing of the batch may be taken as done.
   */
  processMany(events: IngestionEvent[], versions: number[]): Promise<EventOutcome[]>;
}

/** The writes one event comes to, computed before any store is touched. */
type PreparedWrite =
  | { kind: 'upsert'; version: number; document: DocumentRecord; chunks: ChunkRecord[]; linksTo: string[]; points: VectorPoint[] }
  | { kind: 'delete'; version: number; docId: string };

/**
 * Creates the processor that turns one event into graph and vector writes. The graph is written first and the vector
 * store second, always both: each fences on its own (a stale write is a no-op there), the graph is the version
 * authority a vector store without conditional writes validates against, and both writes replace the document's
 * whole state, so a redelivery after a crash between them repairs the store that missed the write.
 */
export function createEventProcessor(deps: EventProcessorDeps): EventProcessor {
  const { graph, vector, embedder, targetChunkTokens } = deps;
  const authority: VersionAuthority = (docIds) => graph.appliedVersions(docIds);

  async function prepareUpsert(event: IngestionEvent, version: number): Promise<PreparedWrite> {
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
    const pieces = chunkMarkdownBlocks(parsed.blocks, parsed.source, {
      maxTokens: embedder.maxInputTokens,
      ...(targetChunkTokens !== undefined && { targetTokens: targetChunkTokens }),
      title: document.title,
    });
    const chunks: ChunkRecord[] = pieces.map((chunk) => ({
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
    // The breadcrumb carries the section's topic, which the body text often never repeats.
    const vectors = await embedder.embed(pieces.map((c) => c.retrievalText));
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
    return { kind: 'upsert', version, document, chunks, linksTo: [...linksTo], points };
  }

  const prepare = (event: IngestionEvent, version: number): Promise<PreparedWrite> => {
    if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`version of event ${event.id} must be a non-negative integer, got ${version}`);
    return event.kind === 'delete' ? Promise.resolve({ kind: 'delete', version, docId: event.docId }) : prepareUpsert(event, version);
  };

  async function write(w: PreparedWrite): Promise<EventOutcome> {
    let results: [WriteResult, WriteResult];
    if (w.kind === 'delete') {
      results = [await graph.deleteDocument(w.docId, w.version), await vector.deleteDocument(w.docId, w.version, authority)];
    } else {
      results = [
        await graph.upsertDocument(w.document, w.chunks, w.linksTo, w.version),
        await vector.replaceDocument(w.document.id, w.version, w.points, authority),
      ];
    }
    return outcomeOf(results[0], results[1]);
  }

  async function processMany(events: IngestionEvent[], versions: number[]): Promise<EventOutcome[]> {
    if (versions.length !== events.length) throw new RangeError(`${events.length} events but ${versions.length} versions`);
    const outcomes: EventOutcome[] = [];
    const ready: { index: number; write: PreparedWrite }[] = [];
    for (const [index, event] of events.entries()) {
      try {
        ready.push({ index, write: await prepare(event, versions[index]) });
        outcomes.push(null);
      } catch (error) {
        if (isOutage(error)) throw error;
        outcomes.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    if (graph.applyBatch && vector.applyBatch && ready.length > 1) {
      try {
        // One transaction per store for the whole batch: per-document commits were most of the worker's time.
        const inGraph = await graph.applyBatch(
          ready.map(({ write: w }) => (w.kind === 'delete' ? w : { kind: 'upsert', version: w.version, document: w.document, chunks: w.chunks, linksTo: w.linksTo })),
        );
        const inVector = await vector.applyBatch(
          ready.map(({ write: w }) => (w.kind === 'delete' ? w : { kind: 'replace', version: w.version, docId: w.document.id, points: w.points })),
          authority,
        );
        for (const [i, { index }] of ready.entries()) outcomes[index] = outcomeOf(inGraph[i], inVector[i]);
        return outcomes;
      } catch (error) {
        if (isOutage(error)) throw error;
        // Some write of the batch was refused: retry one by one so only the culprit fails.
      }
    }
    for (const { index, write: w } of ready) {
      try {
        outcomes[index] = await write(w);
      } catch (error) {
        if (isOutage(error)) throw error;
        outcomes[index] = error instanceof Error ? error : new Error(String(error));
      }
    }
    return outcomes;
  }

  return {
    process: async (event, version) => {
      await write(await prepare(event, version));
    },
    processMany,
  };
}

/** Stale only when neither store applied the write: one that did (a redelivery repairing the other) counts as written. */
function outcomeOf(inGraph: WriteResult, inVector: WriteResult): EventOutcome {
  return inGraph.applied || inVector.applied ? null : 'stale';
}

/** A store or embedder that cannot be reached: no event is at fault. */
function isOutage(error: unknown): boolean {
  return isStoreUnavailableError(error) || isEmbedderUnavailableError(error);
}
