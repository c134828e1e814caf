import neo4j, { type Driver, type Integer, type Record as Neo4jRecord } from 'neo4j-driver';
import type { DocumentCatalog } from './document-catalog.ts';
import type { DocumentRef } from './graph-store.ts';
import { wrapNeo4jError } from './neo4j-store-error.ts';

// Over Neo4jGraphStore's model (neo4j-graph-cypher.ts): `(:Document)-[:CHILD_OF]->(:Document)`, placeholders `:Pending`.
const CHILDREN = `
  MATCH (c:Document)-[:CHILD_OF]->(:Document {id: $id}) WHERE NOT c:Pending
  RETURN c.id AS id, c.title AS title, c.path AS path, c.url AS url ORDER BY title, id`;
const ID_OF_URL = 'MATCH (d:Document {url: $url}) WHERE NOT d:Pending RETURN d.id AS id ORDER BY id LIMIT 1';
const LIST = `
  MATCH (d:Document) WHERE NOT d:Pending AND d.id > $after
  RETURN d.id AS id, d.title AS title, d.path AS path, d.url AS url ORDER BY d.id LIMIT $limit`;
const COUNTS_BY_SOURCE = 'MATCH (d:Document) WHERE NOT d:Pending RETURN d.source AS source, count(d) AS n';

/** `DocumentCatalog` over `Neo4jGraphStore`'s graph; the caller owns the driver. */
export class Neo4jDocumentCatalog implements DocumentCatalog {
  constructor(
    private readonly driver: Driver,
    private readonly database?: string,
  ) {}

  async childrenOf(docId: string): Promise<DocumentRef[]> {
    const { records } = await this.read(CHILDREN, { id: docId });
    return records.map(refOf);
  }

  async listDocuments(after: string | undefined, limit: number): Promise<DocumentRef[]> {
    const { records } = await this.read(LIST, { after: after ?? '', limit: neo4j.int(limit) });
    return records.map(refOf);
  }

  async idOfUrl(url: string): Promise<string | null> {
    const { records } = await this.read(ID_OF_URL, { url });
    return records.length === 0 ? null : (records[0].get('id') as string);
  }

  async countsBySource(): Promise<Map<string, number>> {
    const { records } = await this.read(COUNTS_BY_SOURCE, {});
    return new Map(records.map((r) => [r.get('source') as string, (r.get('n') as Integer).toNumber()]));
  }

  private async read(query: string, params: Record<string, unknown>) {
    try {
      return await this.driver.executeQuery(query, params, { database: this.database, routing: neo4j.routing.READ });
    } catch (error) {
      throw wrapNeo4jError('graph', error);
    }
  }
}

function refOf(r: Neo4jRecord): DocumentRef {
  const url = r.get('url') as string | null;
  return { id: r.get('id') as string, title: r.get('title') as string, path: r.get('path') as string, ...(url != null && { url }) };
}
