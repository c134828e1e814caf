import type { DocumentMetadata } from '../../model/ingestion-event.ts';
import type Database from 'better-sqlite3';
import { type AppliedVersion, mayApply, type WriteResult } from './document-version.ts';
import type { ChunkRecord, DocumentRecord, DocumentRef, GraphStore, GraphWrite, StoredDocument } from './graph-store.ts';
import { SqliteChunkTextIndex } from './sqlite-chunk-text-index.ts';
import type { TextHit, TextSearchFilter } from './text-hit.ts';
import { wrapSqliteError } from './wrap-sqlite-error.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS graph_documents (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL, url TEXT, title TEXT NOT NULL,
    content_hash TEXT NOT NULL, updated_at TEXT NOT NULL, parent_id TEXT, metadata TEXT
  );
  CREATE TABLE IF NOT EXISTS graph_chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, chunk_index INTEGER NOT NULL, heading TEXT NOT NULL, text TEXT NOT NULL,
    UNIQUE (doc_id, chunk_index)
  );
  CREATE TABLE IF NOT EXISTS graph_links (
    from_id TEXT NOT NULL, to_id TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (from_id, to_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS graph_links_to ON graph_links (to_id);
  CREATE INDEX IF NOT EXISTS graph_documents_parent ON graph_documents (parent_id);
  CREATE TABLE IF NOT EXISTS graph_versions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, deleted INTEGER NOT NULL) WITHOUT ROWID;
`;

interface VersionRow {
  version: number;
  deleted: 0 | 1;
}

interface DocumentRow {
  id: string;
  source: string;
  path: string;
  url: string | null;
  title: string;
  content_hash: string;
  updated_at: string;
  parent_id: string | null;
  /** JSON object, or null when the source gave none. */
  metadata: string | null;
}

/**
 * GraphStore on SQLite tables prefixed `graph_`. Links are stored by target id whether or not the target
 * exists, and `neighbours()` joins at read time, so a link to a not-yet-ingested document appears when it arrives.
 * Deleting a document keeps links pointing at it: they belong to the linking document and dangle until it returns.
 * `graph_versions` holds, per document ever written, the version of the last change applied and whether it was a delete;
 * each write checks and raises it in the same IMMEDIATE transaction (two processes may share the file), so a stale write
 * is a no-op. Tombstones are kept for good: dropping one would let an older upsert still queued (a retry waiting out its
 * backoff, an expired lease about to be reaped) resurrect the document. Known limit: one small row per deleted document.
 * Chunks are also indexed for full-text search (`SqliteChunkTextIndex`, FTS5) in the same transaction as their rows.
 * The caller opens the database (and sets WAL, busy_timeout) and closes it; `close()` leaves it open.
 */
export class SqliteGraphStore implements GraphStore {
  private statements?: ReturnType<SqliteGraphStore['prepareStatements']>;
  private readonly textIndex: SqliteChunkTextIndex;

  /** `options.textTokenizer`: the FTS5 tokenizer of the chunk index, for measuring others (bench/search-quality.ts); it applies when the index is created. */
  constructor(
    private readonly db: Database.Database,
    options: { textTokenizer?: string } = {},
  ) {
    this.textIndex = new SqliteChunkTextIndex(db, options.textTokenizer);
  }

  // Prepared once: preparing per call cost more than the writes themselves (see bench/ worker figures).
  private prepareStatements() {
    return {
      upsertDocument: this.db.prepare(
        `INSERT INTO graph_documents (id, source, path, url, title, content_hash, updated_at, parent_id, metadata)
         VALUES (@id, @source, @path, @url, @title, @contentHash, @updatedAt, @parentId, @metadata)
         ON CONFLICT (id) DO UPDATE SET source = excluded.source, path = excluded.path, url = excluded.url,
           title = excluded.title, content_hash = excluded.content_hash, updated_at = excluded.updated_at,
           parent_id = excluded.parent_id, metadata = excluded.metadata`,
      ),
      deleteChunks: this.db.prepare('DELETE FROM graph_chunks WHERE doc_id = ?'),
      deleteLinks: this.db.prepare('DELETE FROM graph_links WHERE from_id = ?'),
      deleteDocument: this.db.prepare('DELETE FROM graph_documents WHERE id = ?'),
      insertChunk: this.db.prepare('INSERT INTO graph_chunks (id, doc_id, chunk_index, heading, text) VALUES (?, ?, ?, ?, ?)'),
      insertLink: this.db.prepare('INSERT OR IGNORE INTO graph_links (from_id, to_id, position) VALUES (?, ?, ?)'),
      versionOf: this.db.prepare('SELECT version, deleted FROM graph_versions WHERE id = ?'),
      setVersion: this.db.prepare(
        `INSERT INTO graph_versions (id, version, deleted) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted`,
      ),
      // Documents written before graph_versions existed have no row there: they read as version 0.
      isDocument: this.db.prepare('SELECT 1 FROM graph_documents WHERE id = ?').pluck(),
    };
  }

  private get sql() {
    this.statements ??= this.prepareStatements();
    return this.statements;
  }

  /** Creates the `graph_` tables and indexes if missing. */
  async init(): Promise<void> {
    this.run(() => {
      this.db.exec(SCHEMA);
      // Files written before documents had metadata lack the column; CREATE TABLE IF NOT EXISTS does not add it.
      const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('graph_documents');
      if (!columns.includes('metadata')) this.db.exec('ALTER TABLE graph_documents ADD COLUMN metadata TEXT');
      this.textIndex.init();
    });
  }

  /** Replaces the document row, its chunks and its outgoing links in one transaction, unless a newer change is applied. */
  async upsertDocument(document: DocumentRecord, chunks: ChunkRecord[], linksTo: string[], version: number): Promise<WriteResult> {
    return this.run(() => this.writeNow({ kind: 'upsert', version, document, chunks, linksTo }));
  }

  /** All writes, in order, in one transaction (the per-document transactions inside become savepoints). */
  async applyBatch(writes: GraphWrite[]): Promise<WriteResult[]> {
    return this.run(() => this.db.transaction(() => writes.map((w) => this.writeNow(w))).immediate());
  }

  /** Removes the document, its chunks and its outgoing links and records the tombstone, unless a newer change is applied. */
  async deleteDocument(docId: string, version: number): Promise<WriteResult> {
    return this.run(() => this.writeNow({ kind: 'delete', version, docId }));
  }

  /** The version row of each id, or version 0 for a document written before versions; ids never seen are absent. */
  async appliedVersions(docIds: string[]): Promise<Map<string, AppliedVersion>> {
    return this.run(() =>
      this.db.transaction(() => {
        const found = new Map<string, AppliedVersion>();
        for (const id of new Set(docIds)) {
          const current = this.currentVersion(id);
          if (current) found.set(id, current);
        }
        return found;
      })(),
    );
  }

  private currentVersion(docId: string): AppliedVersion | undefined {
    const row = this.sql.versionOf.get(docId) as VersionRow | undefined;
    if (row) return { version: row.version, deleted: row.deleted === 1 };
    return this.sql.isDocument.get(docId) === undefined ? undefined : { version: 0, deleted: false };
  }

  // IMMEDIATE: the version is read before anything is written, and a DEFERRED transaction that read cannot take the
  // write lock while another connection holds it (SQLITE_BUSY without waiting), which two worker processes would hit.
  private writeNow(w: GraphWrite): WriteResult {
    return this.db
      .transaction((): WriteResult => {
        const docId = w.kind === 'delete' ? w.docId : w.document.id;
        if (!mayApply(w.version, this.currentVersion(docId))) return { applied: false };
        this.sql.setVersion.run(docId, w.version, w.kind === 'delete' ? 1 : 0);
        if (w.kind === 'delete') this.deleteNow(docId);
        else this.upsertNow(w.document, w.chunks, w.linksTo);
        return { applied: true };
      })
      .immediate();
  }

  private upsertNow(document: DocumentRecord, chunks: ChunkRecord[], linksTo: string[]): void {
    const sql = this.sql;
    sql.upsertDocument.run({
      ...document,
      url: document.url ?? null,
      parentId: document.parentId ?? null,
      metadata: document.metadata === undefined ? null : JSON.stringify(document.metadata),
    });
    this.textIndex.remove(document.id);
    sql.deleteChunks.run(document.id);
    sql.deleteLinks.run(document.id);
    for (const c of chunks) {
      const { lastInsertRowid } = sql.insertChunk.run(c.id, document.id, c.index, c.heading, c.text);
      this.textIndex.add(lastInsertRowid, c, document);
    }
    for (const [position, to] of linksTo.entries()) sql.insertLink.run(document.id, to, position);
  }

  private deleteNow(docId: string): void {
    this.sql.deleteLinks.run(docId);
    this.textIndex.remove(docId);
    this.sql.deleteChunks.run(docId);
    this.sql.deleteDocument.run(docId);
  }

  /** The document with its chunks (by index) and outgoing links (in written order), or null. */
  async getDocument(docId: string): Promise<StoredDocument | null> {
    return this.run(() =>
      this.db.transaction((): StoredDocument | null => {
        const row = this.db.prepare('SELECT * FROM graph_documents WHERE id = ?').get(docId) as DocumentRow | undefined;
        if (!row) return null;
        const chunks = this.db
          .prepare(
            `SELECT id, doc_id AS docId, chunk_index AS "index", heading, text
             FROM graph_chunks WHERE doc_id = ? ORDER BY chunk_index`,
          )
          .all(docId) as ChunkRecord[];
        const links = this.db
          .prepare('SELECT to_id FROM graph_links WHERE from_id = ? ORDER BY position')
          .pluck()
          .all(docId) as string[];
        return { ...toDocument(row), chunks, linksTo: links };
      })(),
    );
  }

  /** Existing documents this one links to (in written order) and existing documents linking to it (by title). */
  async neighbours(docId: string): Promise<{ linksTo: DocumentRef[]; linkedFrom: DocumentRef[] }> {
    return this.run(() => {
      const linksTo = this.db
        .prepare(
          `SELECT d.id, d.title, d.path, d.url FROM graph_links l JOIN graph_documents d ON d.id = l.to_id
           WHERE l.from_id = ? ORDER BY l.position`,
        )
        .all(docId) as DocumentRow[];
      const linkedFrom = this.db
        .prepare(
          `SELECT d.id, d.title, d.path, d.url FROM graph_links l JOIN graph_documents d ON d.id = l.from_id
           WHERE l.to_id = ? ORDER BY d.title, d.id`,
        )
        .all(docId) as DocumentRow[];
      return { linksTo: linksTo.map(toRef), linkedFrom: linkedFrom.map(toRef) };
    });
  }

  /** The `k` chunks whose words best match `query` (FTS5, BM25 over text, heading and title), best first. */
  async searchText(query: string, k: number, filter: TextSearchFilter = {}): Promise<TextHit[]> {
    return this.run(() => this.textIndex.search(query, k, filter));
  }

  /** Number of documents stored. */
  async countDocuments(): Promise<number> {
    return this.run(() => this.db.prepare('SELECT count(*) FROM graph_documents').pluck().get() as number);
  }

  /** Does nothing: the caller opened the database, so the caller closes it (it may be shared with other stores). */
  async close(): Promise<void> {}

  private run<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw wrapSqliteError('graph', error);
    }
  }
}

function toDocument(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    source: row.source,
    path: row.path,
    ...(row.url !== null && { url: row.url }),
    title: row.title,
    contentHash: row.content_hash,
    updatedAt: row.updated_at,
    ...(row.parent_id !== null && { parentId: row.parent_id }),
    ...(row.metadata !== null && { metadata: JSON.parse(row.metadata) as DocumentMetadata }),
  };
}

function toRef(row: Pick<DocumentRow, 'id' | 'title' | 'path' | 'url'>): DocumentRef {
  return { id: row.id, title: row.title, path: row.path, ...(row.url !== null && { url: row.url }) };
}
