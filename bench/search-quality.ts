// Retrieval quality of search (issue 15 part 0): hybrid against vector-only in one run, on real documentation no one
// here wrote (the README.md and docs/*.md files this project's node_modules ship), ingested through the real pipeline
// (chunker, default offline embedder, embedded stores) in a temp dir. Queries are generated from that corpus
// (bench/search-queries.ts). Run alone with `tsx bench/search-quality.ts [--variants]`; `npm run bench` runs it too.
// --variants also compares FTS5 tokenizers (one ingest each) and RRF's k (fused here from each side's own ranking).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HashedEmbedder } from '../src/actors/embed/hashed-embedder.ts';
import { createEventProcessor } from '../src/actors/pipeline/process-event.ts';
import { reciprocalRankFusion } from '../src/actors/search/reciprocal-rank-fusion.ts';
import { type SearchDeps, type SearchHit, type SearchMode, searchDocuments } from '../src/actors/search/search-documents.ts';
import { SqliteGraphStore } from '../src/actors/stores/sqlite-graph-store.ts';
import { SqliteVectorStore } from '../src/actors/stores/sqlite-vector-store.ts';
import { openDatabase } from '../src/actors/system/open-backends.ts';
import type { IngestionEvent } from '../src/model/ingestion-event.ts';
import { Deadline } from './deadline.ts';
import { type ShippedDoc, shippedDocs } from './node-modules-docs.ts';
import { exactIdentifierQueries, type GeneratedQuery, headingQuestionQueries } from './search-queries.ts';
import { createTempDir } from './temp-dir.ts';

/** Queries of each kind; fewer when the corpus has fewer documents with a unique identifier or heading. */
const QUERIES_PER_KIND = 300;
const K = 5;
const SOURCE = 'node_modules';
const BATCH = 50;

/** Figures of one search mode. */
export interface ModeFigures {
  exact_recall_at_5: number;
  heading_recall_at_5: number;
  p50_ms: number;
  p95_ms: number;
}

/** The `search` section of the bench report. */
export interface SearchQualityReport {
  docs: number;
  chunks: number;
  exact_queries: number;
  heading_queries: number;
  ingest_seconds: number;
  tokenizer: string;
  hybrid: ModeFigures;
  vector: ModeFigures;
  text: ModeFigures;
}

interface Ingested {
  deps: SearchDeps;
  chunks: number;
  ingestSeconds: number;
  close(): void;
}

const docIdOf = (path: string) => `${SOURCE}:${path}`;

async function ingest(docs: ShippedDoc[], deadline: Deadline, tokenizer?: string): Promise<Ingested> {
  const dir = createTempDir('search');
  const db = openDatabase(join(dir.path, 'inlet.db'));
  const embedder = new HashedEmbedder();
  const graph = new SqliteGraphStore(db, tokenizer === undefined ? {} : { textTokenizer: tokenizer });
  const vector = new SqliteVectorStore(db);
  await graph.init();
  await vector.init(embedder.dimension);
  const processor = createEventProcessor({ graph, vector, embedder });
  const events: IngestionEvent[] = docs.map((doc, i) => ({
    id: `${SOURCE}:${doc.path}:1`,
    source: SOURCE,
    kind: 'upsert',
    docId: docIdOf(doc.path),
    path: doc.path,
    content: doc.content,
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  }));
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    deadline.check(() => `ingested ${i} of ${events.length} documents`);
    const batch = events.slice(i, i + BATCH);
    const outcomes = await processor.processMany(batch, batch.map(() => 1));
    const failed = outcomes.find((o) => o instanceof Error);
    if (failed) throw failed;
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  return {
    deps: { embedder, vector, graph },
    chunks: await vector.countPoints(),
    ingestSeconds,
    close() {
      db.close();
      dir.remove();
    },
  };
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const found = (hits: { document: { id: string } }[], query: GeneratedQuery) => hits.slice(0, K).some((h) => h.document.id === docIdOf(query.expected));

async function measureMode(deps: SearchDeps, mode: SearchMode, exact: GeneratedQuery[], headings: GeneratedQuery[], deadline: Deadline): Promise<ModeFigures> {
  for (const query of [...exact, ...headings].slice(0, 20)) await searchDocuments(deps, { q: query.q, k: K, mode });
  const timings: number[] = [];
  const recall = async (queries: GeneratedQuery[]) => {
    let hits = 0;
    for (const query of queries) {
      deadline.check(() => `${mode} search`);
      const started = performance.now();
      const { results } = await searchDocuments(deps, { q: query.q, k: K, mode });
      timings.push(performance.now() - started);
      if (found(results, query)) hits++;
    }
    return queries.length === 0 ? Number.NaN : hits / queries.length;
  };
  const exactRecall = await recall(exact);
  const headingRecall = await recall(headings);
  timings.sort((a, b) => a - b);
  return {
    exact_recall_at_5: round(exactRecall, 3),
    heading_recall_at_5: round(headingRecall, 3),
    p50_ms: round(percentile(timings, 0.5), 2),
    p95_ms: round(percentile(timings, 0.95), 2),
  };
}

/** The generated queries of a corpus. */
export function corpusQueries(docs: ShippedDoc[]): { exact: GeneratedQuery[]; headings: GeneratedQuery[] } {
  return { exact: exactIdentifierQueries(docs, QUERIES_PER_KIND), headings: headingQuestionQueries(docs, QUERIES_PER_KIND) };
}

/** The project's node_modules, whose shipped documentation is the corpus. */
export const NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));

/** Ingests the corpus and measures hybrid, vector-only and text-only search on the same stores and queries. */
export async function benchSearchQuality(deadline: Deadline, tokenizer?: string): Promise<SearchQualityReport> {
  const docs = shippedDocs(NODE_MODULES);
  const { exact, headings } = corpusQueries(docs);
  const stores = await ingest(docs, deadline, tokenizer);
  try {
    return {
      docs: docs.length,
      chunks: stores.chunks,
      exact_queries: exact.length,
      heading_queries: headings.length,
      ingest_seconds: round(stores.ingestSeconds, 1),
      tokenizer: tokenizer ?? 'default',
      hybrid: await measureMode(stores.deps, 'hybrid', exact, headings, deadline),
      vector: await measureMode(stores.deps, 'vector', exact, headings, deadline),
      text: await measureMode(stores.deps, 'text', exact, headings, deadline),
    };
  } finally {
    stores.close();
  }
}

/** Recall at 5 of each RRF k, fusing each side's own top 50 the way searchDocuments does (text first). */
async function sweepRrfK(deps: SearchDeps, queries: GeneratedQuery[], ks: number[]): Promise<Record<number, number>> {
  const sides: { text: SearchHit[]; vector: SearchHit[]; query: GeneratedQuery }[] = [];
  for (const query of queries) {
    const [text, vector] = await Promise.all([searchDocuments(deps, { q: query.q, k: 50, mode: 'text' }), searchDocuments(deps, { q: query.q, k: 50, mode: 'vector' })]);
    sides.push({ text: text.results, vector: vector.results, query });
  }
  const out: Record<number, number> = {};
  for (const k of ks) {
    const hits = sides.filter(({ text, vector, query }) => {
      const fused = reciprocalRankFusion([text, vector], (h) => `${h.document.id}#${h.chunk.index}`, k);
      return found(fused.map((f) => f.item), query);
    }).length;
    out[k] = round(hits / sides.length, 3);
  }
  return out;
}

async function main(): Promise<void> {
  const deadline = new Deadline('search quality', 900_000);
  const report = await benchSearchQuality(deadline);
  console.log(JSON.stringify(report, null, 2));
  if (!process.argv.includes('--variants')) return;
  const docs = shippedDocs(NODE_MODULES);
  const { exact, headings } = corpusQueries(docs);
  for (const tokenizer of ['unicode61 remove_diacritics 2', "unicode61 remove_diacritics 2 tokenchars '_-'", 'trigram']) {
    const r = await benchSearchQuality(deadline, tokenizer);
    console.log(JSON.stringify({ tokenizer, hybrid: r.hybrid, text: r.text }));
  }
  const stores = await ingest(docs, deadline);
  try {
    const ks = [2, 5, 10, 20, 40, 60, 100];
    console.log(JSON.stringify({ rrf_k_exact: await sweepRrfK(stores.deps, exact, ks), rrf_k_heading: await sweepRrfK(stores.deps, headings, ks) }));
  } finally {
    stores.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
