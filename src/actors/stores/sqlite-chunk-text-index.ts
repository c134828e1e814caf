import type Database from 'better-sqlite3';
import type { DocumentMetadata } from '../../model/ingestion-event.ts';
import { foldTokenEnds } from './fold-token-ends.ts';
import { toFts5Query } from './fts5-query.ts';
import type { TextHit, TextSearchFilter } from './text-hit.ts';

/**
 * The FTS5 tokenizer of the chunk index: unicode61 with `_`, `.` and `-` as token characters, so `queue.lease_seconds`,
 * `ERR_CODE_42` and `--flag` are one token each and a query for one cannot match its parts scattered in prose
 * (`transport target`, `locations`). The `.` or `-` ending a word is dropped before indexing (`foldTokenEnds`).
 * bench/search-quality.ts --variants (hybrid, RRF k 60) measured it against unicode61's default separators (which
 * split identifiers into phrases), tokenchars '_-', and `trigram`: exact-identifier recall at 5 of 1.0 against 0.983,
 * 0.996 and 1.0; heading-question recall 0.836 against 0.832, 0.836 and 0.836; trigram's text side ran ~8x slower.
 */
export const DEFAULT_CHUNK_TOKENIZER = "unicode61 remove_diacritics 2 tokenchars '_.-'";

interface TextRow {
  chunk_id: string;
  doc_id: string;
  chunk_index: number;
  heading: string;
  text: string;
  source: string;
  path: string;
  url: string | null;
  title: string;
  metadata: string | null;
  score: number;
}

/**
 * The lexical index of `SqliteGraphStore`: an FTS5 table `graph_chunks_fts` over each chunk's text, heading breadcrumb
 * and document title, whose rowid is the chunk's rowid in `graph_chunks`. The store calls `remove` and `add` inside its
 * write transaction, so the index never disagrees with the chunks. Hits are joined back to `graph_chunks` by chunk id,
 * so a row left behind (VACUUM may renumber `graph_chunks` rowids) cannot show a chunk that is gone.
 */
export class SqliteChunkTextIndex {
  private statements?: ReturnType<SqliteChunkTextIndex['prepareStatements']>;

  constructor(
    private readonly db: Database.Database,
    private readonly tokenizer = DEFAULT_CHUNK_TOKENIZER,
  ) {}

  private prepareStatements() {
    return {
      rowidsOf: this.db.prepare('SELECT rowid FROM graph_chunks WHERE doc_id = ?').pluck(),
      deleteRow: this.db.prepare('DELETE FROM graph_chunks_fts WHERE rowid = ?'),
      insertRow: this.db.prepare('INSERT INTO graph_chunks_fts (rowid, text, heading, title, chunk_id, source) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  private get sql() {
    this.statements ??= this.prepareStatements();
    return this.statements;
  }

  /** Creates the FTS5 table if missing and fills it from the chunks already stored (a file written before the index). */
  init(): void {
    // Checked inside an immediate (write-locked) transaction: two processes opening the same file at once would both
    // see no table outside it, and the second CREATE would fail.
    this.db.transaction(() => {
      if (this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'graph_chunks_fts'").get() !== undefined) return;
      this.db.function('inlet_fold_token_ends', { deterministic: true }, (text) => foldTokenEnds(String(text)));
      this.db.exec(
        `CREATE VIRTUAL TABLE graph_chunks_fts USING fts5(text, heading, title, chunk_id UNINDEXED, source UNINDEXED, tokenize = '${this.tokenizer.replaceAll("'", "''")}')`,
      );
      this.db.exec(
        `INSERT INTO graph_chunks_fts (rowid, text, heading, title, chunk_id, source)
         SELECT c.rowid, inlet_fold_token_ends(c.text), inlet_fold_token_ends(c.heading), inlet_fold_token_ends(d.title), c.id, d.source
         FROM graph_chunks c JOIN graph_documents d ON d.id = c.doc_id`,
      );
    }).immediate();
  }

  /** Removes the document's chunks from the index; call before their rows leave `graph_chunks`. */
  remove(docId: string): void {
    const { rowidsOf, deleteRow } = this.sql;
    // One rowid at a time: a constraint on an UNINDEXED column, or `rowid IN (subquery)`, scans the whole index.
    for (const rowid of rowidsOf.all(docId) as number[]) deleteRow.run(rowid);
  }

  /** Indexes one chunk just inserted into `graph_chunks` at `rowid`. */
  add(rowid: number | bigint, chunk: { id: string; heading: string; text: string }, document: { title: string; source: string }): void {
    this.sql.insertRow.run(rowid, foldTokenEnds(chunk.text), foldTokenEnds(chunk.heading), foldTokenEnds(document.title), chunk.id, document.source);
  }

  /** The `k` chunks best matching the words of `query` by BM25, best first; a query without a letter or digit finds nothing. */
  search(query: string, k: number, filter: TextSearchFilter = {}): TextHit[] {
    const match = toFts5Query(query);
    const limit = Math.floor(k);
    if (match === null || !(limit > 0)) return [];
    const bySource = filter.source !== undefined;
    const byPath = filter.pathPrefix !== undefined && filter.pathPrefix !== '';
    // The path lives with the document: joined before LIMIT only when asked for, so a plain search stays on the index alone.
    const rows = this.db
      .prepare(
        `WITH matched AS (
           SELECT graph_chunks_fts.chunk_id, bm25(graph_chunks_fts) AS rank FROM graph_chunks_fts
           ${byPath ? 'JOIN graph_chunks pc ON pc.id = graph_chunks_fts.chunk_id JOIN graph_documents pd ON pd.id = pc.doc_id' : ''}
           WHERE graph_chunks_fts MATCH ? ${bySource ? 'AND graph_chunks_fts.source = ?' : ''}
             ${byPath ? 'AND substr(pd.path, 1, length(?)) = ?' : ''}
           ORDER BY rank LIMIT ?
         )
         SELECT c.id AS chunk_id, c.doc_id, c.chunk_index, c.heading, c.text, d.source, d.path, d.url, d.title, d.metadata,
                -m.rank AS score
         FROM matched m JOIN graph_chunks c ON c.id = m.chunk_id JOIN graph_documents d ON d.id = c.doc_id
         ORDER BY m.rank, c.id`,
      )
      .all(match, ...(bySource ? [filter.source] : []), ...(byPath ? [filter.pathPrefix, filter.pathPrefix] : []), limit) as TextRow[];
    return rows.map((r) => ({
      chunkId: r.chunk_id,
      docId: r.doc_id,
      chunkIndex: r.chunk_index,
      // bm25() is lower for better matches; negated so that higher is better, as for every other score.
      score: r.score,
      document: {
        source: r.source,
        path: r.path,
        ...(r.url !== null && { url: r.url }),
        title: r.title,
        ...(r.metadata !== null && { metadata: JSON.parse(r.metadata) as DocumentMetadata }),
      },
      heading: r.heading,
      text: r.text,
    }));
  }
}
