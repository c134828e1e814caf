import type { DocumentMetadata } from '../../model/ingestion-event.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { DocumentRef, GraphStore } from '../stores/graph-store.ts';
import type { VectorStore } from '../stores/vector-store.ts';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.ts';

/** What a search reads: the query's embedder (the one the documents were embedded with) and both stores. */
export interface SearchDeps {
  embedder: Embedder;
  vector: VectorStore;
  graph: GraphStore;
}

/** How chunks are found: `hybrid` fuses nearest vectors and matching words (the default); `vector` and `text` use one side only. */
export type SearchMode = 'hybrid' | 'vector' | 'text';

/** A search request. */
export interface SearchQuery {
  /** Free text: embedded as it is, and its words looked up in the graph store's full-text index. */
  q: string;
  /** Chunks to return. Default 10. */
  k?: number;
  /** Only chunks of this source (a connector name). */
  source?: string;
  /** Only chunks of documents whose path starts with this (`docs/api/`); '' is no filter. */
  path_prefix?: string;
  /** Default `hybrid`; `vector` is the search before issue 15, kept for comparison (bench/search-quality.ts). */
  mode?: SearchMode;
}

/** A document as search results show it, in the wire format (`url` is null when the source has none). */
export interface SearchDocumentRef {
  id: string;
  title: string;
  path: string;
  url: string | null;
}

/** One chunk found, with its document and that document's neighbours in the graph. */
export interface SearchHit {
  /**
   * Higher is better. Hybrid: the reciprocal rank fusion score (`reciprocal-rank-fusion.ts`); vector: cosine similarity
   * of the query and the chunk (1 is identical); text: the full-text index's relevance.
   */
  score: number;
  /** The chunk's 1-based rank among the nearest vectors and among the full-text matches; null where it was not among them. */
  ranks: { vector: number | null; text: number | null };
  /** `metadata`: the source's own fields (Confluence: space, version, content_type); `{}` when it gives none. */
  document: SearchDocumentRef & { source: string; metadata: DocumentMetadata };
  chunk: { heading: string; text: string; index: number };
  /** Existing documents the chunk's document links to. */
  links_to: SearchDocumentRef[];
  /** Documents linking to the chunk's document. */
  linked_from: SearchDocumentRef[];
}

/** The answer of `GET /search`: hits best first. */
export interface SearchResult {
  query: string;
  results: SearchHit[];
}

/** The search function the HTTP layer is given. */
export type SearchFn = (query: SearchQuery) => Promise<SearchResult>;

// Each side hands fusion this many candidates at least, so a chunk one side ranks far down still adds to the other side's rank.
const MIN_CANDIDATES = 50;
// The vector stores filter by source only: with a path prefix, the vector side reads this many and keeps the matching ones.
const PATH_FILTERED_CANDIDATES = 500;

/** A candidate of either side, in the shape the answer is built from. */
interface Candidate {
  chunkId: string;
  docId: string;
  chunkIndex: number;
  score: number;
  document: { source: string; path: string; url?: string; title: string; metadata?: DocumentMetadata };
  heading: string;
  text: string;
}

/**
 * Finds chunks two ways and fuses the rankings by reciprocal rank fusion: the nearest vectors to the embedded query,
 * and the graph store's full-text matches of its words, which find an exact identifier (`ERR_CODE_42`) that vector
 * similarity cannot promise (issue 15). A graph store without full-text search leaves the vector side alone. Then adds
 * each chunk's document neighbours from the graph, asked once per document however many of its chunks hit.
 * A vector hit whose version is not the graph's current version of its document (an older change, a deleted document,
 * one the graph does not know) is dropped: the stores fence their writes (issue 11), and this keeps a stale point that
 * is still on its way out of a vector store without conditional writes (Qdrant) from ever being shown. So fewer than
 * `k` hits may come back. Where both sides found a chunk, the graph's copy is shown (it is the authority).
 */
export async function searchDocuments(
  { embedder, vector, graph }: SearchDeps,
  { q, k = 10, source, path_prefix: pathPrefix = '', mode = 'hybrid' }: SearchQuery,
): Promise<SearchResult> {
  const filter = source === undefined ? {} : { source };
  const candidates = Math.max(k, MIN_CANDIDATES);
  const vectorK = pathPrefix !== '' ? Math.max(k, PATH_FILTERED_CANDIDATES) : mode === 'vector' ? k : candidates;
  const useText = mode !== 'vector' && graph.searchText !== undefined;
  const useVector = mode !== 'text';
  const [vectorSide, textSide] = await Promise.allSettled([
    useVector ? embedder.embed([q]).then(([queryVector]) => vector.search(queryVector, vectorK, filter)) : [],
    useText ? graph.searchText!(q, mode === 'text' ? k : candidates, pathPrefix === '' ? filter : { ...filter, pathPrefix }) : [],
  ]);
  // The vector side's failure first: an unreachable embedder is what callers were told about before the text side existed.
  if (vectorSide.status === 'rejected') throw vectorSide.reason;
  if (textSide.status === 'rejected') throw textSide.reason;
  const vectorFound = vectorSide.value.filter((hit) => hit.payload.path.startsWith(pathPrefix)).slice(0, mode === 'vector' ? k : candidates);
  const textFound = textSide.value;
  const docIds = [...vectorFound, ...textFound].map((h) => h.docId);
  const current = docIds.length === 0 ? new Map() : await graph.appliedVersions(docIds);
  const vectorHits: Candidate[] = vectorFound
    .filter((hit) => {
      const applied = current.get(hit.docId);
      return applied !== undefined && !applied.deleted && applied.version === hit.version;
    })
    .map((hit) => ({ ...hit, document: hit.payload, heading: hit.payload.heading, text: hit.payload.text }));
  // Read from the graph itself, so current unless a delete committed between the two reads.
  const textHits: Candidate[] = textFound.filter((hit) => current.get(hit.docId)?.deleted === false);
  // Text first: on a tie (one side's first against the other's first) the exact words win.
  const fused = reciprocalRankFusion<Candidate>([textHits, vectorHits], (hit) => hit.chunkId).slice(0, k);
  const neighbours = new Map<string, ReturnType<GraphStore['neighbours']>>();
  const neighboursOf = (docId: string) => {
    let pending = neighbours.get(docId);
    if (!pending) {
      pending = graph.neighbours(docId);
      neighbours.set(docId, pending);
    }
    return pending;
  };
  const results = await Promise.all(
    fused.map(async ({ item: hit, score, ranks: [textRank, vectorRank] }): Promise<SearchHit> => {
      const { linksTo, linkedFrom } = await neighboursOf(hit.docId);
      const { document } = hit;
      return {
        // One side alone keeps its own score, so vector-only answers read as they did before fusion.
        score: mode === 'hybrid' ? score : hit.score,
        ranks: { vector: vectorRank ?? null, text: textRank ?? null },
        document: { id: hit.docId, title: document.title, url: document.url ?? null, path: document.path, source: document.source, metadata: document.metadata ?? {} },
        chunk: { heading: hit.heading, text: hit.text, index: hit.chunkIndex },
        links_to: linksTo.map(refOf),
        linked_from: linkedFrom.map(refOf),
      };
    }),
  );
  return { query: q, results };
}

function refOf(ref: DocumentRef): SearchDocumentRef {
  return { id: ref.id, title: ref.title, path: ref.path, url: ref.url ?? null };
}
