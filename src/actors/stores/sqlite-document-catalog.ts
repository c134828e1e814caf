import type Database from 'better-sqlite3';
import type { DocumentCatalog } from './document-catalog.ts';
import type { DocumentRef } from './graph-store.ts';
import { wrapSqliteError } from './wrap-sqlite-error.ts';

interface RefRow {
  id: string;
  title: string;
  path: string;
  url: string | null;
}

/** `DocumentCatalog` over `SqliteGraphStore`'s `graph_documents` table (indexed on `parent_id`; `url` is scanned). */
export class SqliteDocumentCatalog implements DocumentCatalog {
  constructor(private readonly db: Database.Database) {}

  async childrenOf(docId: string): Promise<DocumentRef[]> {
    const rows = this.read(() =>
      this.db.prepare('SELECT id, title, path, url FROM graph_documents WHERE parent_id = ? ORDER BY title, id').all(docId),
    ) as RefRow[];
    return rows.map(refOf);
  }

  async idOfUrl(url: string): Promise<string | null> {
    const id = this.read(() => this.db.prepare('SELECT id FROM graph_documents WHERE url = ? ORDER BY id LIMIT 1').pluck().get(url));
    return typeof id === 'string' ? id : null;
  }

  async listDocuments(after: string | undefined, limit: number): Promise<DocumentRef[]> {
    // The primary key's order: each page is one index range, however deep.
    const rows = this.read(() => this.db.prepare('SELECT id, title, path, url FROM graph_documents WHERE id > ? ORDER BY id LIMIT ?').all(after ?? '', limit)) as RefRow[];
    return rows.map(refOf);
  }

  async countsBySource(): Promise<Map<string, number>> {
    const rows = this.read(() => this.db.prepare('SELECT source, count(*) AS n FROM graph_documents GROUP BY source').all()) as { source: string; n: number }[];
    return new Map(rows.map((row) => [row.source, row.n]));
  }

  private read<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw wrapSqliteError('graph', error);
    }
  }
}

function refOf(row: RefRow): DocumentRef {
  return { id: row.id, title: row.title, path: row.path, ...(row.url !== null && { url: row.url }) };
}
