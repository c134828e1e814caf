import type Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { type AppliedVersion, mayApply, type WriteResult } from './document-version.ts';
import type { VectorHit, VectorPoint, VectorStore, VectorWrite } from './vector-store.ts';
import { wrapSqliteError } from './wrap-sqlite-error.ts';

// sqlite-vec caps k for a KNN query at 4096 (vec0 `k` constraint).
const MAX_K = 4096;

interface HitRow {
  chunk_id: string;
  doc_id: string;
  chunk_index: number;
  payload: string;
  version: number;
  distance: number | null;
}

/**
 * VectorStore on sqlite-vec: a `vec0` table (`vector_embeddings`, cosine distance, `source` as a metadata
 * column so the source filter runs inside the KNN query) and a side table `vector_points` keyed by the same rowid.
 * `vector_versions` fences writes per document (issue 11) in the write's own IMMEDIATE transaction, as
 * `SqliteGraphStore` does with `graph_versions` (same rule, same tombstones kept for good); this store needs no
 * `VersionAuthority`. Points written before versions have no row there and read as version 0.
 * The caller opens the database and closes it; `close()` leaves it open.
 */
export class SqliteVectorStore implements VectorStore {
  private statements?: ReturnType<SqliteVectorStore['prepareStatements']>;

  constructor(private readonly db: Database.Database) {}

  // Prepared once: preparing per call cost more than the writes themselves (see bench/ worker figures).
  private prepareStatements() {
    return {
      insertPoint: this.db.prepare('INSERT INTO vector_points (chunk_id, doc_id, chunk_index, source, payload) VALUES (?, ?, ?, ?, ?)'),
      insertVector: this.db.prepare('INSERT INTO vector_embeddings (rowid, embedding, source) VALUES (?, ?, ?)'),
      rowidsOf: this.db.prepare('SELECT rowid FROM vector_points WHERE doc_id = ?').pluck(),
      deleteVector: this.db.prepare('DELETE FROM vector_embeddings WHERE rowid = ?'),
      deletePoints: this.db.prepare('DELETE FROM vector_points WHERE doc_id = ?'),
      versionOf: this.db.prepare('SELECT version, deleted FROM vector_versions WHERE doc_id = ?'),
      setVersion: this.db.prepare(
        `INSERT INTO vector_versions (doc_id, version, deleted) VALUES (?, ?, ?)
         ON CONFLICT (doc_id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted`,
      ),
    };
  }

  private get sql() {
    this.statements ??= this.prepareStatements();
    return this.statements;
  }

  /** Loads sqlite-vec if needed and creates the tables for `dimension`; a different stored dimension throws. */
  async init(dimension: number): Promise<void> {
    if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
    this.run(() => {
      if (!this.hasSqliteVec()) sqliteVec.load(this.db);
      this.db.transaction(() => {
        this.db.exec('CREATE TABLE IF NOT EXISTS vector_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
        const stored = this.db.prepare("SELECT value FROM vector_meta WHERE key = 'dimension'").pluck().get() as
          | string
          | undefined;
        if (stored !== undefined && Number(stored) !== dimension) {
          throw new Error(
            `vector store holds ${stored}-dimensional vectors but ${dimension} were requested; ` +
              'the embedding model changed: drop the vector_ tables (or use a new database file) and re-ingest',
          );
        }
        this.db.exec(`
          CREATE TABLE IF NOT EXISTS vector_points (
            rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
            chunk_index INTEGER NOT NULL, source TEXT NOT NULL, payload TEXT NOT NULL
          );
          CREATE INDEX IF NOT EXISTS vector_points_doc ON vector_points (doc_id);
          CREATE TABLE IF NOT EXISTS vector_versions (doc_id TEXT PRIMARY KEY, version INTEGER NOT NULL, deleted INTEGER NOT NULL) WITHOUT ROWID;
          CREATE VIRTUAL TABLE IF NOT EXISTS vector_embeddings
            USING vec0(embedding float[${dimension}] distance_metric=cosine, source text);
        `);
        this.db.prepare("INSERT OR IGNORE INTO vector_meta (key, value) VALUES ('dimension', ?)").run(String(dimension));
      })();
    });
  }

  /** Deletes the document's points and inserts `points`, in one transaction, unless a newer change is applied. */
  async replaceDocument(docId: string, version: number, points: VectorPoint[]): Promise<WriteResult> {
    return this.run(() => this.writeNow({ kind: 'replace', version, docId, points }));
  }

  /** All writes, in order, in one transaction, each fenced on its own. */
  async applyBatch(writes: VectorWrite[]): Promise<WriteResult[]> {
    return this.run(() => this.db.transaction(() => writes.map((w) => this.writeNow(w))).immediate());
  }

  /** Removes every point of the document and records the tombstone, unless a newer change is applied. */
  async deleteDocument(docId: string, version: number): Promise<WriteResult> {
    return this.run(() => this.writeNow({ kind: 'delete', version, docId }));
  }

  // IMMEDIATE for the reason given in SqliteGraphStore.writeNow: the version is read before the first write.
  private writeNow(w: VectorWrite): WriteResult {
    return this.db
      .transaction((): WriteResult => {
        const row = this.sql.versionOf.get(w.docId) as { version: number; deleted: 0 | 1 } | undefined;
        const current: AppliedVersion | undefined = row && { version: row.version, deleted: row.deleted === 1 };
        if (!mayApply(w.version, current)) return { applied: false };
        this.sql.setVersion.run(w.docId, w.version, w.kind === 'delete' ? 1 : 0);
        if (w.kind === 'delete') this.removeDocument(w.docId);
        else this.replaceNow(w.docId, w.points);
        return { applied: true };
      })
      .immediate();
  }

  private replaceNow(docId: string, points: VectorPoint[]): void {
    this.removeDocument(docId);
    const { insertPoint, insertVector } = this.sql;
    for (const p of points) {
      const { lastInsertRowid } = insertPoint.run(p.chunkId, docId, p.chunkIndex, p.payload.source, JSON.stringify(p.payload));
      // vec0 rejects a JavaScript number as rowid: it must arrive as an SQLite integer (BigInt).
      insertVector.run(BigInt(lastInsertRowid), p.vector, p.payload.source);
    }
  }

  /**
   * The `k` nearest chunks by cosine similarity (k is capped at 4096), optionally from one source.
   * Zero vectors have no direction, so they never match and a zero query finds nothing.
   */
  async search(vector: Float32Array, k: number, filter: { source?: string } = {}): Promise<VectorHit[]> {
    const limit = Math.min(Math.floor(k), MAX_K);
    if (!(limit > 0)) return [];
    const bySource = filter.source !== undefined;
    const rows = this.run(
      () =>
        this.db
          .prepare(
            `WITH knn AS (
               SELECT rowid, distance FROM vector_embeddings
               WHERE embedding MATCH ? AND k = ? ${bySource ? 'AND source = ?' : ''}
             )
             SELECT p.chunk_id, p.doc_id, p.chunk_index, p.payload, coalesce(v.version, 0) AS version, knn.distance
             FROM knn JOIN vector_points p ON p.rowid = knn.rowid LEFT JOIN vector_versions v ON v.doc_id = p.doc_id
             ORDER BY knn.distance, p.rowid`,
          )
          .all(...(bySource ? [vector, limit, filter.source] : [vector, limit])) as HitRow[],
    );
    // Filtered here, not in SQL: vec0 rejects any extra constraint on `distance` in a KNN query, even in a CTE.
    return rows.flatMap((r) =>
      r.distance === null
        ? []
        : [
            {
              chunkId: r.chunk_id,
              docId: r.doc_id,
              chunkIndex: r.chunk_index,
              score: 1 - r.distance,
              version: r.version,
              payload: JSON.parse(r.payload) as VectorHit['payload'],
            },
          ],
    );
  }

  /** Number of points stored. */
  async countPoints(): Promise<number> {
    return this.run(() => this.db.prepare('SELECT count(*) FROM vector_points').pluck().get() as number);
  }

  /** Does nothing: the caller opened the database, so the caller closes it (it may be shared with other stores). */
  async close(): Promise<void> {}

  private removeDocument(docId: string): void {
    const { rowidsOf, deleteVector, deletePoints } = this.sql;
    // One rowid at a time: `rowid IN (subquery)` on a vec0 table scans the whole table.
    for (const rowid of rowidsOf.all(docId) as number[]) deleteVector.run(BigInt(rowid));
    deletePoints.run(docId);
  }

  private hasSqliteVec(): boolean {
    try {
      this.db.prepare('SELECT vec_version()').get();
      return true;
    } catch {
      return false;
    }
  }

  private run<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw wrapSqliteError('vector', error);
    }
  }
}
