import type { DocumentMetadata } from '../../model/ingestion-event.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { DocumentRef, GraphStore } from '../stores/graph-store.ts';
import type { VectorStore } from '../stores/vector-store.ts';

/** What a search reads: the query's embedder (the one the documents were embedded with) and both stores. */
export interface SearchDeps {
  embedder: Embedder;
  vector: VectorStore;
  graph: GraphStore;
}

/** A search request. */
export interface SearchQuery {
  /** Free text, embedded as it is. */
  q: string;
  /** Chunks to return. Default 10. */
  k?: number;
  /** Only chunks of this source (a connector name). */
  source?: string;
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
  /** Cosine similarity of the query and the chunk (1 is identical). */
  score: number;
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

/**
 * Embeds the query, takes the `k` nearest chunks and adds each chunk's document neighbours from the graph. The
 * document fields come from the vector payload; the graph is asked once per document, however many of its chunks hit.
 * A hit whose version is not the graph's current version of its document (an older change, a deleted document, one the
 * graph does not know) is dropped: the stores fence their writes (issue 11), and this keeps a stale point that is
 * still on its way out of a vector store without conditional writes (Qdrant) from ever being shown. So fewer than
 * `k` hits may come back.
 */
export async function searchDocuments({ embedder, vector, graph }: SearchDeps, { q, k = 10, source }: SearchQuery): Promise<SearchResult> {
  const [queryVector] = await embedder.embed([q]);
  const found = await vector.search(queryVector, k, source === undefined ? {} : { source });
  const current = found.length === 0 ? new Map() : await graph.appliedVersions(found.map((h) => h.docId));
  const hits = found.filter((hit) => {
    const applied = current.get(hit.docId);
    return applied !== undefined && !applied.deleted && applied.version === hit.version;
  });
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
    hits.map(async (hit): Promise<SearchHit> => {
      const { linksTo, linkedFrom } = await neighboursOf(hit.docId);
      const { payload } = hit;
      return {
        score: hit.score,
        document: { id: hit.docId, title: payload.title, url: payload.url ?? null, path: payload.path, source: payload.source, metadata: payload.metadata ?? {} },
        chunk: { heading: payload.heading, text: payload.text, index: hit.chunkIndex },
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
