import neo4j, { type Driver, type Integer, type ManagedTransaction } from 'neo4j-driver';
import { CONNECTOR_KINDS } from '../../config/schema.ts';
import type { AppliedVersion, WriteResult } from './document-version.ts';
import type { ChunkRecord, DocumentRecord, DocumentRef, GraphStore, GraphWrite, StoredDocument } from './graph-store.ts';
import { toLuceneQuery } from './lucene-query.ts';
import * as cypher from './neo4j-graph-cypher.ts';
import { wrapNeo4jError } from './neo4j-store-error.ts';
import type { TextHit, TextSearchFilter } from './text-hit.ts';
import type { DocumentMetadata } from '../../model/ingestion-event.ts';

/** Options of `Neo4jGraphStore`. */
export interface Neo4jGraphStoreOptions {
  /** Database to use; default: the server's home database (resolved once per call by the driver). */
  database?: string;
  /** Kind of a source (`github`, `notion`, …) for `(:Source {kind})`; default: the name when it is a kind, else unset. */
  sourceKind?: (source: string) => string | undefined;
}

interface DocumentProps {
  id: string;
  source: string;
  path: string;
  url?: string;
  title: string;
  content_hash: string;
  updated_at: string;
  /** JSON object as text. */
  metadata?: string | null;
}

interface ChunkProps {
  id: string;
  index: Integer;
  heading: string;
  text: string;
}

type RefProps = Pick<DocumentProps, 'id' | 'title' | 'path' | 'url'>;

type Upsert = Extract<GraphWrite, { kind: 'upsert' }>;

type Delete = Extract<GraphWrite, { kind: 'delete' }>;

/** Consecutive writes of one kind, each document at most once, that one set of UNWIND statements can apply. */
type Run = { kind: 'upsert'; writes: Upsert[] } | { kind: 'delete'; writes: Delete[] };

const defaultSourceKind = (source: string) => (CONNECTOR_KINDS as readonly string[]).find((kind) => kind === source);

/**
 * GraphStore on Neo4j (model and Cypher in `neo4j-graph-cypher.ts`). Each upsert, delete or batch is one write
 * transaction through `session.executeWrite`, which retries transient failures for the driver's
 * `maxTransactionRetryTime` (30 s by default); what is left afterwards surfaces as `StoreUnavailableError`.
 * Links to documents not yet ingested end at `:Pending` placeholders, so they connect when the target arrives;
 * a deleted document that others still link to stays as such a placeholder (the embedded store's semantics).
 * Writes are fenced per document by version (`FENCE` in the Cypher file), inside the write's transaction.
 * The caller creates and closes the driver; `close()` leaves it open, since it may be shared.
 */
export class Neo4jGraphStore implements GraphStore {
  private readonly database: string | undefined;
  private readonly sourceKind: (source: string) => string | undefined;

  constructor(
    private readonly driver: Driver,
    options: Neo4jGraphStoreOptions = {},
  ) {
    this.database = options.database;
    this.sourceKind = options.sourceKind ?? defaultSourceKind;
  }

  /** Creates the uniqueness constraints on Document.id, Chunk.id and Source.name and the chunks' full-text index if missing. */
  async init(): Promise<void> {
    await this.guard(async () => {
      for (const statement of cypher.CONSTRAINTS) {
        await this.driver.executeQuery(statement, {}, { database: this.database, routing: neo4j.routing.WRITE });
      }
    });
  }

  /** Merges the document, its source and parent edge, replaces its chunks and outgoing links; one transaction, fenced. */
  async upsertDocument(document: DocumentRecord, chunks: ChunkRecord[], linksTo: string[], version: number): Promise<WriteResult> {
    const [result] = await this.applyBatch([{ kind: 'upsert', version, document, chunks, linksTo }]);
    return result;
  }

  /** Removes the document, its chunks and outgoing edges and raises its tombstone; incoming links stay, ending at a placeholder. */
  async deleteDocument(docId: string, version: number): Promise<WriteResult> {
    const [result] = await this.applyBatch([{ kind: 'delete', version, docId }]);
    return result;
  }

  /**
   * All writes, in order, in one transaction: the fence plus three statements per run of upserts and the fence plus one
   * per run of deletes, so the cost in round trips does not grow with the batch. A run ends where the kind changes or a
   * document repeats. Each run applies only the writes its fence let through (the version check is per row in FENCE).
   */
  async applyBatch(writes: GraphWrite[]): Promise<WriteResult[]> {
    const runs = splitRuns(writes);
    return this.write(async (tx) => {
      const results: WriteResult[] = [];
      for (const run of runs) {
        const fresh = await this.fence(tx, run.writes);
        results.push(...run.writes.map((w) => ({ applied: fresh.has(idOf(w)) })));
        if (run.kind === 'delete') {
          const ids = run.writes.map(idOf).filter((id) => fresh.has(id));
          if (ids.length > 0) await tx.run(cypher.DELETE_DOCUMENTS, { ids });
        } else {
          const upserts = run.writes.filter((w) => fresh.has(idOf(w)));
          if (upserts.length > 0) await this.upsertIn(tx, upserts);
        }
      }
      return results;
    });
  }

  /** The applied version (or tombstone) of each id seen; ingested documents without a version node read as version 0. */
  async appliedVersions(docIds: string[]): Promise<Map<string, AppliedVersion>> {
    const { records } = await this.read(cypher.APPLIED_VERSIONS, { ids: [...new Set(docIds)] });
    return new Map(
      records.map((r) => {
        const version = r.get('version') as Integer | number;
        return [r.get('id') as string, { version: neo4j.isInt(version) ? version.toNumber() : version, deleted: r.get('deleted') as boolean }];
      }),
    );
  }

  /** Runs FENCE for the writes of one run (distinct ids); returns the ids that may apply. */
  private async fence(tx: ManagedTransaction, writes: GraphWrite[]): Promise<Set<string>> {
    const rows = writes
      .map((w) => ({ id: idOf(w), version: neo4j.int(w.version), deleted: w.kind === 'delete' }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const result = await tx.run(cypher.FENCE, { writes: rows });
    return new Set(result.records.filter((r) => r.get('fresh') === true).map((r) => r.get('id') as string));
  }

  private async upsertIn(tx: ManagedTransaction, upserts: Upsert[]) {
    const docs = upserts.map(({ document }) => ({
      ...document,
      url: document.url ?? null,
      parentId: document.parentId ?? null,
      kind: this.sourceKind(document.source) ?? null,
      metadata: document.metadata === undefined ? null : JSON.stringify(document.metadata),
    }));
    const chunks = upserts.map((u) => ({
      id: u.document.id,
      title: u.document.title,
      chunks: u.chunks.map((c) => ({ id: c.id, index: neo4j.int(c.index), heading: c.heading, text: c.text })),
    }));
    // Duplicates keep their first position, as the embedded store's INSERT OR IGNORE does.
    const links = upserts.map((u) => ({ id: u.document.id, links: [...new Set(u.linksTo)] }));
    await tx.run(cypher.UPSERT_DOCUMENTS, { docs });
    await tx.run(cypher.REPLACE_CHUNKS, { docs: chunks });
    await tx.run(cypher.REPLACE_LINKS, { docs: links });
  }

  /** The ingested document with its chunks (by index) and outgoing links (in written order), or null. */
  async getDocument(docId: string): Promise<StoredDocument | null> {
    const { records } = await this.read(cypher.GET_DOCUMENT, { id: docId });
    const record = records[0];
    if (!record) return null;
    const props = record.get('doc') as DocumentProps;
    const parentId = (record.get('parents') as string[])[0];
    const chunks = (record.get('chunks') as ChunkProps[]).map(
      (c): ChunkRecord => ({ id: c.id, docId, index: c.index.toNumber(), heading: c.heading, text: c.text }),
    );
    return {
      id: props.id,
      source: props.source,
      path: props.path,
      ...(props.url != null && { url: props.url }),
      title: props.title,
      contentHash: props.content_hash,
      updatedAt: props.updated_at,
      ...(parentId !== undefined && { parentId }),
      ...(props.metadata != null && { metadata: JSON.parse(props.metadata) as DocumentMetadata }),
      chunks,
      linksTo: record.get('links') as string[],
    };
  }

  /** Ingested documents this one links to (in written order) and ingested documents linking to it (by title). */
  async neighbours(docId: string): Promise<{ linksTo: DocumentRef[]; linkedFrom: DocumentRef[] }> {
    const { records } = await this.read(cypher.NEIGHBOURS, { id: docId });
    const record = records[0];
    if (!record) return { linksTo: [], linkedFrom: [] };
    return {
      linksTo: (record.get('linksTo') as RefProps[]).map(toRef),
      linkedFrom: (record.get('linkedFrom') as RefProps[]).map(toRef),
    };
  }

  /** The `k` chunks whose text, heading or document title best match the words of `query` (Lucene index `inlet_chunk_text`), best first. */
  async searchText(query: string, k: number, filter: TextSearchFilter = {}): Promise<TextHit[]> {
    const lucene = toLuceneQuery(query);
    const limit = Math.floor(k);
    if (lucene === null || !(limit > 0)) return [];
    const { records } = await this.read(cypher.SEARCH_CHUNK_TEXT, {
      query: lucene,
      source: filter.source ?? null,
      pathPrefix: filter.pathPrefix || null,
      limit: neo4j.int(limit),
    });
    return records.map((r) => {
      const doc = r.get('doc') as Omit<DocumentProps, 'id' | 'content_hash' | 'updated_at'>;
      const index = r.get('chunkIndex') as Integer | number;
      return {
        chunkId: r.get('chunkId') as string,
        docId: r.get('docId') as string,
        chunkIndex: neo4j.isInt(index) ? index.toNumber() : index,
        score: r.get('score') as number,
        document: {
          source: doc.source,
          path: doc.path,
          ...(doc.url != null && { url: doc.url }),
          title: doc.title,
          ...(doc.metadata != null && { metadata: JSON.parse(doc.metadata) as DocumentMetadata }),
        },
        heading: r.get('heading') as string,
        text: r.get('text') as string,
      };
    });
  }

  /** Number of ingested documents; placeholders do not count. */
  async countDocuments(): Promise<number> {
    const { records } = await this.read(cypher.COUNT_DOCUMENTS, {});
    return (records[0].get('n') as Integer).toNumber();
  }

  /** Does nothing: the caller created the driver, so the caller closes it (it may be shared). */
  async close(): Promise<void> {}

  private read(query: string, params: Record<string, unknown>) {
    return this.guard(() => this.driver.executeQuery(query, params, { database: this.database, routing: neo4j.routing.READ }));
  }

  private write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.guard(async () => {
      const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
      try {
        return await session.executeWrite(work);
      } finally {
        await session.close();
      }
    });
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw wrapNeo4jError('graph', error);
    }
  }
}

/** Splits writes, keeping their order, into runs whose statements give the same graph as the writes one by one. */
function splitRuns(writes: GraphWrite[]): Run[] {
  const runs: Run[] = [];
  let current: Run | undefined;
  let seen = new Set<string>();
  for (const w of writes) {
    const id = idOf(w);
    if (current?.kind !== w.kind || seen.has(id)) {
      current = w.kind === 'delete' ? { kind: 'delete', writes: [] } : { kind: 'upsert', writes: [] };
      runs.push(current);
      seen = new Set();
    }
    seen.add(id);
    if (current.kind === 'delete' && w.kind === 'delete') current.writes.push(w);
    else if (current.kind === 'upsert' && w.kind === 'upsert') current.writes.push(w);
  }
  return runs;
}

function idOf(w: GraphWrite): string {
  return w.kind === 'delete' ? w.docId : w.document.id;
}

function toRef(props: RefProps): DocumentRef {
  return { id: props.id, title: props.title, path: props.path, ...(props.url != null && { url: props.url }) };
}
