import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { HashedEmbedder } from '../../../src/actors/embed/hashed-embedder.ts';
import { createEventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import { searchDocuments } from '../../../src/actors/search/search-documents.ts';
import type { DocumentRecord } from '../../../src/actors/stores/graph-store.ts';
import { Neo4jGraphStore } from '../../../src/actors/stores/neo4j-graph-store.ts';
import { SqliteGraphStore } from '../../../src/actors/stores/sqlite-graph-store.ts';
import { SqliteVectorStore } from '../../../src/actors/stores/sqlite-vector-store.ts';
import { openDatabase } from '../../../src/actors/system/open-backends.ts';
import { upsertEvent } from '../../support/events.ts';
import { lockNeo4j } from '../../support/neo4j-lock.ts';
import { createTestNeo4jDriver, neo4jAvailable } from '../../support/neo4j-test-driver.ts';

const WORDS = 'queue lease worker event retry backoff deploy config error code source connector sync poll webhook token graph vector chunk search'.split(' ');

/** Deterministic filler: `count` words drawn from WORDS by a linear congruential sequence seeded with `seed`. */
function filler(seed: number, count: number): string {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return WORDS[state % WORDS.length];
  }).join(' ');
}

let dir: string;
let db: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'inlet-hybrid-'));
  db = openDatabase(join(dir, 'inlet.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function embeddedStores() {
  const embedder = new HashedEmbedder();
  const graph = new SqliteGraphStore(db);
  const vector = new SqliteVectorStore(db);
  await graph.init();
  await vector.init(embedder.dimension);
  return { embedder, graph, vector, processor: createEventProcessor({ graph, vector, embedder }) };
}

describe('hybrid search on the embedded stores', () => {
  it('ranks the one document holding a unique identifier first among 400, where vector-only does not', async () => {
    const { processor, ...deps } = await embeddedStores();
    for (let i = 0; i < 400; i++) await processor.process(upsertEvent(`doc-${i}.md`, { content: `# Note ${i}\n\n${filler(i + 1, 12)}.\n` }), 1);
    const target = `# Troubleshooting\n\n${filler(7777, 150)}. When the lease is lost the worker logs ERR_LEASE_7734 and retries. ${filler(8888, 150)}.\n`;
    await processor.process(upsertEvent('troubleshooting.md', { content: target }), 1);

    const hybrid = await searchDocuments(deps, { q: 'ERR_LEASE_7734', k: 5 });
    expect(hybrid.results[0].document.id).toBe('test:troubleshooting.md');
    expect(hybrid.results[0].ranks.text).toBe(1);
    const vectorOnly = await searchDocuments(deps, { q: 'ERR_LEASE_7734', k: 5, mode: 'vector' });
    expect(vectorOnly.results[0].document.id).not.toBe('test:troubleshooting.md');
    expect(vectorOnly.results.every((r) => r.ranks.text === null)).toBe(true);
  });

  it('forgets old words after an edit and everything after a delete, and keeps the source filter', async () => {
    const { processor, graph, ...rest } = await embeddedStores();
    const deps = { graph, ...rest };
    await processor.process(upsertEvent('a.md', { content: '# A\n\nSet `queue.lease_seconds` to 30.\n' }), 1);
    await processor.process(upsertEvent('b.md', { source: 'wiki', docId: 'wiki:b.md', content: '# B\n\nAlso mentions queue.lease_seconds once.\n' }), 1);
    expect((await graph.searchText('queue.lease_seconds', 10)).map((h) => h.docId).sort()).toEqual(['test:a.md', 'wiki:b.md']);
    expect((await graph.searchText('queue.lease_seconds', 10, { source: 'wiki' })).map((h) => h.docId)).toEqual(['wiki:b.md']);

    await processor.process(upsertEvent('a.md', { id: 'test:a.md:2', content: '# A\n\nSet `queue.max_attempts` to 5.\n' }), 2);
    expect((await graph.searchText('queue.lease_seconds', 10)).map((h) => h.docId)).toEqual(['wiki:b.md']);
    const [hit] = await graph.searchText('queue.max_attempts', 10);
    expect(hit).toMatchObject({ docId: 'test:a.md', chunkId: 'test:a.md#0', heading: 'A', document: { source: 'test', path: 'a.md', title: 'A' } });

    await processor.process({ ...upsertEvent('a.md'), id: 'test:a.md:3', kind: 'delete', content: undefined }, 3);
    expect(await graph.searchText('queue.max_attempts', 10)).toEqual([]);
    expect((await searchDocuments(deps, { q: 'queue.max_attempts', k: 5 })).results.map((r) => r.document.id)).not.toContain('test:a.md');
  });

  it('keeps only documents under path_prefix, on both sides and in every mode', async () => {
    const { processor, ...deps } = await embeddedStores();
    for (const path of ['guides/retry.md', 'api/retry.md', 'api-old/retry.md']) {
      await processor.process(upsertEvent(path, { content: `# Retry\n\nThe option retry.max_attempts of ${path} caps retries.\n` }), 1);
    }
    for (const mode of ['hybrid', 'vector', 'text'] as const) {
      const { results } = await searchDocuments(deps, { q: 'retry.max_attempts', k: 5, mode, path_prefix: 'api/' });
      expect(results.map((r) => r.document.id)).toEqual(['test:api/retry.md']);
    }
    expect((await searchDocuments(deps, { q: 'retry.max_attempts', k: 5, path_prefix: '' })).results).toHaveLength(3);
  });

  it('indexes the chunks of a file written before the index existed', async () => {
    const { processor } = await embeddedStores();
    await processor.process(upsertEvent('old.md', { content: '# Old\n\nThe flag --dry-run prints the plan.\n' }), 1);
    db.exec('DROP TABLE graph_chunks_fts');
    const reopened = new SqliteGraphStore(db);
    await reopened.init();
    expect((await reopened.searchText('--dry-run', 5)).map((h) => h.docId)).toEqual(['test:old.md']);
  });

  it('answers queries full of search syntax without an error', async () => {
    const { processor, ...deps } = await embeddedStores();
    await processor.process(upsertEvent('a.md', { content: '# A\n\nNOT an operator: "quoted" (grouped) prefix* col:value.\n' }), 1);
    for (const q of ['NOT', '"unbalanced', 'col:value', 'prefix*', '(grouped', '^', 'a AND', '""', '-', 'NEAR(a b)']) {
      await expect(searchDocuments(deps, { q, k: 3 })).resolves.toBeDefined();
    }
    expect((await searchDocuments(deps, { q: 'col:value', k: 3, mode: 'text' })).results[0].document.id).toBe('test:a.md');
  });
});

describe.skipIf(!neo4jAvailable)('full-text search on Neo4j', () => {
  it('finds a chunk by an exact identifier through the Lucene index, follows deletes, and escapes syntax', { timeout: 60_000 }, async () => {
    const release = await lockNeo4j(inject('neo4jUrl'));
    const driver = createTestNeo4jDriver();
    const prefix = `fts-${randomUUID()}`;
    const store = new Neo4jGraphStore(driver);
    try {
      await store.init();
      // The index fills asynchronously after writes; awaiting it makes the test deterministic.
      await driver.executeQuery('CALL db.awaitIndexes(60)');
      const doc = (name: string, source = 'docs'): DocumentRecord => ({ id: `${prefix}:${name}`, source, path: `${name}.md`, title: `Title ${name}`, contentHash: 'h', updatedAt: '2026-12-02T00:00:00.000Z' });
      const unique = `ERR_${prefix.replaceAll('-', '_')}`;
      await store.upsertDocument(doc('a'), [{ id: `${prefix}:a#0`, docId: `${prefix}:a`, index: 0, heading: 'Errors', text: `The worker logs ${unique} when it passes queue.lease_seconds.` }], [], 1);
      await store.upsertDocument(doc('b', 'wiki'), [{ id: `${prefix}:b#0`, docId: `${prefix}:b`, index: 0, heading: 'Other', text: 'Nothing to see: NOT (an) "operator" col:value.' }], [], 1);
      const found = await eventuallyFound(() => store.searchText(unique, 5));
      expect(found[0]).toMatchObject({ chunkId: `${prefix}:a#0`, docId: `${prefix}:a`, chunkIndex: 0, heading: 'Errors', document: { source: 'docs', path: 'a.md', title: 'Title a' } });
      expect(found[0].score).toBeGreaterThan(0);
      // The standard analyzer keeps an identifier whole, also before a sentence's final period: found as a whole, not by a part.
      const ids = async (q: string) => (await store.searchText(q, 50)).map((h) => h.docId);
      expect(await ids('queue.lease_seconds')).toContain(`${prefix}:a`);
      expect(await ids('lease_seconds')).not.toContain(`${prefix}:a`);
      for (const q of ['NOT', '"unbalanced', 'col:value', 'prefix*', '(grouped', 'a AND', '\\', 'x~2', '[a TO b]', '/re/', '&&']) {
        await expect(store.searchText(q, 3)).resolves.toBeDefined();
      }
      expect((await store.searchText(unique, 5, { source: 'wiki' })).length).toBe(0);
      expect((await store.searchText(unique, 5, { pathPrefix: 'b' })).length).toBe(0);
      expect((await store.searchText(unique, 5, { pathPrefix: 'a' })).map((h) => h.docId)).toEqual([`${prefix}:a`]);
      await store.deleteDocument(`${prefix}:a`, 2);
      expect((await store.searchText(unique, 5)).length).toBe(0);
    } finally {
      await store.deleteDocument(`${prefix}:a`, Number.MAX_SAFE_INTEGER).catch(() => undefined);
      await store.deleteDocument(`${prefix}:b`, Number.MAX_SAFE_INTEGER).catch(() => undefined);
      await driver.close();
      release();
    }
  });
});

/** Lucene indexes are eventually consistent (refreshed after commit): polls until the search finds something. */
async function eventuallyFound<T>(search: () => Promise<T[]>, timeoutMs = 10_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await search();
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
