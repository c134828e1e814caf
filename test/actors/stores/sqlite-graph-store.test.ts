import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../../../src/actors/stores/graph-store.ts';
import { SqliteGraphStore } from '../../../src/actors/stores/sqlite-graph-store.ts';
import { isStoreUnavailableError } from '../../../src/actors/stores/store-errors.ts';

const doc = (id: string, extra: Partial<DocumentRecord> = {}): DocumentRecord => ({
  id,
  source: 'docs',
  path: id.slice('docs:'.length),
  title: `Title of ${id}`,
  contentHash: 'ab'.repeat(32),
  updatedAt: '2024-05-01T00:00:00.000Z',
  ...extra,
});
const chunk = (docId: string, index: number) => ({ id: `${docId}#${index}`, docId, index, heading: 'H', text: `text ${index}` });

describe('SqliteGraphStore', () => {
  let dir: string;
  let db: Database.Database;
  let store: SqliteGraphStore;
  // Versions as the queue's sequences: each write gets the next one.
  let version = 0;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inlet-graph-'));
    db = new Database(join(dir, 'graph.db'));
    store = new SqliteGraphStore(db);
    await store.init();
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds the metadata column to a file written before documents had metadata, keeping its documents', async () => {
    const old = new Database(join(dir, 'old.db'));
    old.exec(`CREATE TABLE graph_documents (id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL, url TEXT,
      title TEXT NOT NULL, content_hash TEXT NOT NULL, updated_at TEXT NOT NULL, parent_id TEXT)`);
    old.prepare("INSERT INTO graph_documents VALUES ('docs:a.md', 'docs', 'a.md', NULL, 'A', 'h', '2024-05-01T00:00:00.000Z', NULL)").run();
    const migrated = new SqliteGraphStore(old);
    await migrated.init();
    expect(await migrated.getDocument('docs:a.md')).toMatchObject({ title: 'A' });
    // Documents of that time have no version: they read as version 0, and any change applies over them.
    expect(await migrated.appliedVersions(['docs:a.md', 'docs:b.md'])).toEqual(new Map([['docs:a.md', { version: 0, deleted: false }]]));
    await migrated.applyBatch([{ kind: 'upsert', version: 1, document: doc('docs:b.md', { metadata: { space: 'ENG', version: 2 } }), chunks: [], linksTo: [] }]);
    expect(await migrated.deleteDocument('docs:a.md', 1)).toEqual({ applied: true });
    expect((await migrated.getDocument('docs:b.md'))?.metadata).toEqual({ space: 'ENG', version: 2 });
    await migrated.init();
    old.close();
  });

  it('init is idempotent', async () => {
    await store.init();
    expect(await store.countDocuments()).toBe(0);
  });

  it('round-trips a document with optional fields, chunks in order and links in written order', async () => {
    const record = doc('docs:a.md', { url: 'https://x/a', parentId: 'docs:index.md' });
    await store.upsertDocument(record, [chunk('docs:a.md', 0), chunk('docs:a.md', 1)], ['docs:z.md', 'docs:b.md'], ++version);
    expect(await store.getDocument('docs:a.md')).toEqual({
      ...record,
      chunks: [chunk('docs:a.md', 0), chunk('docs:a.md', 1)],
      linksTo: ['docs:z.md', 'docs:b.md'],
    });
    expect(await store.getDocument('docs:missing.md')).toBeNull();
  });

  it('replaces chunks and outgoing links on upsert', async () => {
    await store.upsertDocument(doc('docs:a.md'), [chunk('docs:a.md', 0), chunk('docs:a.md', 1)], ['docs:b.md'], ++version);
    await store.upsertDocument(doc('docs:a.md', { title: 'New' }), [chunk('docs:a.md', 0)], [], ++version);
    const stored = await store.getDocument('docs:a.md');
    expect(stored?.title).toBe('New');
    expect(stored?.chunks).toHaveLength(1);
    expect(stored?.linksTo).toEqual([]);
    expect(await store.countDocuments()).toBe(1);
  });

  it('shows a link to a not-yet-stored document once that document arrives', async () => {
    await store.upsertDocument(doc('docs:a.md'), [], ['docs:b.md'], ++version);
    expect(await store.neighbours('docs:a.md')).toEqual({ linksTo: [], linkedFrom: [] });
    await store.upsertDocument(doc('docs:b.md'), [], [], ++version);
    expect((await store.neighbours('docs:a.md')).linksTo.map((r) => r.id)).toEqual(['docs:b.md']);
    expect(await store.neighbours('docs:b.md')).toEqual({
      linksTo: [],
      linkedFrom: [{ id: 'docs:a.md', title: 'Title of docs:a.md', path: 'a.md' }],
    });
  });

  it('delete removes the document, its chunks and outgoing links but keeps links pointing at it', async () => {
    await store.upsertDocument(doc('docs:a.md'), [chunk('docs:a.md', 0)], ['docs:b.md'], ++version);
    await store.upsertDocument(doc('docs:b.md'), [chunk('docs:b.md', 0)], ['docs:a.md'], ++version);
    await store.deleteDocument('docs:b.md', ++version);
    await store.deleteDocument('docs:never.md', ++version);
    expect(await store.getDocument('docs:b.md')).toBeNull();
    expect(await store.countDocuments()).toBe(1);
    expect(db.prepare("SELECT count(*) FROM graph_chunks WHERE doc_id = 'docs:b.md'").pluck().get()).toBe(0);
    expect(await store.neighbours('docs:a.md')).toEqual({ linksTo: [], linkedFrom: [] });
    await store.upsertDocument(doc('docs:b.md'), [], [], ++version);
    expect((await store.neighbours('docs:b.md')).linkedFrom.map((r) => r.id)).toEqual(['docs:a.md']);
  });

  it('reports a closed database as StoreUnavailableError', async () => {
    db.close();
    const error = await store.countDocuments().catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    db = new Database(':memory:');
  });
});
