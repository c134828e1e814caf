import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface PointRow {
  doc_id: string;
  chunk_id: string;
  chunk_index: number;
  payload: string;
}

/**
 * Compares the embedded stores in `dbPath` (the SQLite file the inlet processes share, read here through a read-only
 * connection of its own) with `expected` (document id -> Markdown content). Returns one line per difference; none
 * means the graph and the vectors hold exactly these documents, with this content, once each.
 */
export function storeDifferences(dbPath: string, expected: Map<string, string>): string[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    sqliteVec.load(db);
    // One read transaction: a snapshot, not a mix of before and after a worker's commit.
    return db.transaction(() => differencesIn(db, expected))();
  } finally {
    db.close();
  }
}

function differencesIn(db: Database.Database, expected: Map<string, string>): string[] {
  const problems: string[] = [];
  const hashes = new Map([...expected].map(([id, content]) => [id, sha256(content)]));

  const documents = new Map(
    (db.prepare('SELECT id, content_hash FROM graph_documents').all() as { id: string; content_hash: string }[]).map((r) => [r.id, r.content_hash]),
  );
  for (const [id, hash] of hashes) {
    const stored = documents.get(id);
    if (stored === undefined) problems.push(`graph: ${id} missing`);
    else if (stored !== hash) problems.push(`graph: ${id} holds older or other content (hash ${stored.slice(0, 8)}, expected ${hash.slice(0, 8)})`);
  }
  for (const id of documents.keys()) if (!hashes.has(id)) problems.push(`graph: ${id} present but not in the source`);

  const chunks = new Map<string, Map<number, string>>();
  for (const row of db.prepare('SELECT doc_id, chunk_index, text FROM graph_chunks').all() as { doc_id: string; chunk_index: number; text: string }[]) {
    if (!documents.has(row.doc_id)) problems.push(`graph: chunk ${row.doc_id}#${row.chunk_index} of no document`);
    const of = chunks.get(row.doc_id) ?? new Map<number, string>();
    of.set(row.chunk_index, row.text);
    chunks.set(row.doc_id, of);
  }
  for (const id of documents.keys()) {
    const indexes = [...(chunks.get(id)?.keys() ?? [])].sort((a, b) => a - b);
    if (indexes.length === 0 || indexes.some((index, i) => index !== i)) problems.push(`graph: ${id} has chunks [${indexes.join(',')}], not 0..n-1`);
  }

  const points = db.prepare('SELECT doc_id, chunk_id, chunk_index, payload FROM vector_points').all() as PointRow[];
  const seen = new Set<string>();
  const pointDocs = new Set<string>();
  for (const point of points) {
    pointDocs.add(point.doc_id);
    const key = `${point.doc_id}#${point.chunk_index}`;
    if (seen.has(key)) problems.push(`vectors: duplicate chunk ${key}`);
    seen.add(key);
    const payload = JSON.parse(point.payload) as { contentHash?: string; text?: string };
    const hash = hashes.get(point.doc_id);
    if (hash === undefined) {
      problems.push(`vectors: point ${point.chunk_id} of ${point.doc_id}, not in the source`);
      continue;
    }
    if (payload.contentHash !== hash) problems.push(`vectors: point ${key} from older or other content (hash ${String(payload.contentHash).slice(0, 8)}, expected ${hash.slice(0, 8)})`);
    const text = chunks.get(point.doc_id)?.get(point.chunk_index);
    if (text === undefined) problems.push(`vectors: point ${key} has no chunk in the graph`);
    else if (text !== payload.text) problems.push(`vectors: point ${key} text differs from the graph's chunk`);
  }
  for (const id of hashes.keys()) if (!pointDocs.has(id)) problems.push(`vectors: ${id} has no points`);
  for (const [id, of] of chunks) {
    const count = points.filter((p) => p.doc_id === id).length;
    if (documents.has(id) && pointDocs.has(id) && count !== of.size) problems.push(`vectors: ${id} has ${count} points for ${of.size} chunks`);
  }
  const vectors = db.prepare('SELECT count(*) FROM vector_embeddings').pluck().get() as number;
  if (vectors !== points.length) problems.push(`vectors: ${vectors} embeddings for ${points.length} points`);
  return problems;
}
