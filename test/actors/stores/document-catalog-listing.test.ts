import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DocumentCatalog } from '../../../src/actors/stores/document-catalog.ts';
import type { DocumentRef, GraphStore } from '../../../src/actors/stores/graph-store.ts';
import { Neo4jDocumentCatalog } from '../../../src/actors/stores/neo4j-document-catalog.ts';
import { Neo4jGraphStore } from '../../../src/actors/stores/neo4j-graph-store.ts';
import { SqliteDocumentCatalog } from '../../../src/actors/stores/sqlite-document-catalog.ts';
import { SqliteGraphStore } from '../../../src/actors/stores/sqlite-graph-store.ts';
import { createTestNeo4jDriver, neo4jAvailable } from '../../support/neo4j-test-driver.ts';

const backends: { name: string; available: boolean; open(): Promise<{ graph: GraphStore; catalog: DocumentCatalog; dispose(): Promise<void> }> }[] = [
  {
    name: 'sqlite',
    available: true,
    async open() {
      const db = new Database(':memory:');
      const graph = new SqliteGraphStore(db);
      await graph.init();
      return { graph, catalog: new SqliteDocumentCatalog(db), dispose: async () => {
          db.close();
        } };
    },
  },
  {
    name: 'neo4j',
    available: neo4jAvailable,
    async open() {
      const driver = createTestNeo4jDriver();
      const graph = new Neo4jGraphStore(driver);
      await graph.init();
      return { graph, catalog: new Neo4jDocumentCatalog(driver), dispose: () => driver.close() };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`DocumentCatalog.listDocuments on ${backend.name}`, () => {
    it('pages through the documents in id order, each once, leaving out deleted ones', { timeout: 60_000 }, async () => {
      const { graph, catalog, dispose } = await backend.open();
      // A unique prefix: a shared Neo4j holds other tests' documents, which sort before or after this run's, not among them.
      const prefix = `list-${randomUUID()}:`;
      const ids = ['c.md', 'a.md', 'b/x.md', 'd.md', 'e.md'].map((name) => `${prefix}${name}`);
      for (const [i, id] of ids.entries()) {
        await graph.upsertDocument({ id, source: 'list', path: id.slice(prefix.length), title: `T ${i}`, contentHash: 'h', updatedAt: '2026-12-01T00:00:00.000Z', ...(i === 0 && { url: 'https://example.test/c' }) }, [], [], 1);
      }
      await graph.deleteDocument(`${prefix}d.md`, 2);
      const seen: string[] = [];
      let after: string | undefined = prefix;
      for (;;) {
        const page: DocumentRef[] = (await catalog.listDocuments(after, 2)).filter((ref) => ref.id.startsWith(prefix));
        if (page.length === 0) break;
        seen.push(...page.map((ref) => ref.id));
        after = page[page.length - 1].id;
      }
      expect(seen).toEqual(['a.md', 'b/x.md', 'c.md', 'e.md'].map((name) => `${prefix}${name}`));
      expect((await catalog.listDocuments(`${prefix}b/x.md`, 1))[0]).toEqual({ id: `${prefix}c.md`, title: 'T 0', path: 'c.md', url: 'https://example.test/c' });
      for (const id of ids) await graph.deleteDocument(id, 3);
      await dispose();
    });
  });
}
