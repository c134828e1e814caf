import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from '../../../src/actors/embed/hashed-embedder.ts';
import { countTokens } from '../../../src/actors/pipeline/count-tokens.ts';
import { isInvalidEventError } from '../../../src/actors/pipeline/invalid-event-error.ts';
import { createEventProcessor, type EventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import { SqliteGraphStore } from '../../../src/actors/stores/sqlite-graph-store.ts';
import { SqliteVectorStore } from '../../../src/actors/stores/sqlite-vector-store.ts';
import type { VectorStore } from '../../../src/actors/stores/vector-store.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';

const upsert = (path: string, content: string, extra: Partial<IngestionEvent> = {}): IngestionEvent => ({
  id: `docs:${path}@1`,
  source: 'docs',
  kind: 'upsert',
  docId: `docs:${path}`,
  path,
  content,
  updatedAt: '2024-05-01T00:00:00.000Z',
  ...extra,
});
const remove = (path: string): IngestionEvent => ({
  id: `docs:${path}@del`,
  source: 'docs',
  kind: 'delete',
  docId: `docs:${path}`,
  path,
  updatedAt: '2024-05-02T00:00:00.000Z',
});

const INSTALL = `---
title: Installing inlet
---
# Install

Intro to installation. See [usage](../usage.md#run), [self](./install.md) and [usage again](/usage.md).

## Linux

Install the server on Linux with apt and systemd.

## macOS

Install the server on macOS with Homebrew.
`;

describe('event processor with SQLite stores', () => {
  let dir: string;
  let db: Database.Database;
  let graph: SqliteGraphStore;
  let vector: SqliteVectorStore;
  let embedder: HashedEmbedder;
  let processor: EventProcessor;
  // Versions as the queue's sequences: each event processed gets the next one unless a test names its own.
  let version: number;

  const vectorRows = () => db.prepare('SELECT count(*) FROM vector_embeddings').pluck().get();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inlet-process-'));
    // One file for both stores, as a single-node deployment would run them.
    db = new Database(join(dir, 'inlet.db'));
    graph = new SqliteGraphStore(db);
    vector = new SqliteVectorStore(db);
    embedder = new HashedEmbedder();
    await graph.init();
    await vector.init(embedder.dimension);
    processor = createEventProcessor({ graph, vector, embedder });
    version = 0;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the document, its chunks and vectors, and search finds it', async () => {
    await processor.process(upsert('guide/install.md', INSTALL, { url: 'https://docs/install' }), ++version);
    const stored = await graph.getDocument('docs:guide/install.md');
    expect(stored).toMatchObject({ title: 'Installing inlet', path: 'guide/install.md', url: 'https://docs/install' });
    expect(stored?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.chunks.map((c) => [c.id, c.heading])).toEqual([
      ['docs:guide/install.md#0', 'Install'],
      ['docs:guide/install.md#1', 'Install > Linux'],
      ['docs:guide/install.md#2', 'Install > macOS'],
    ]);
    // Anchor stripped, duplicates merged, self-link dropped.
    expect(stored?.linksTo).toEqual(['docs:usage.md']);
    expect(await vector.countPoints()).toBe(3);
    const [query] = await embedder.embed(['install server linux apt']);
    const [hit] = await vector.search(query, 1, { source: 'docs' });
    expect(hit).toMatchObject({ chunkId: 'docs:guide/install.md#1', docId: 'docs:guide/install.md' });
    expect(hit.payload).toMatchObject({ title: 'Installing inlet', heading: 'Install > Linux', embeddingModel: 'hashed-384' });
  });

  it('prefers the title given by the event over the parsed one', async () => {
    await processor.process(upsert('a.md', '# Parsed', { title: 'Given' }), ++version);
    expect((await graph.getDocument('docs:a.md'))?.title).toBe('Given');
  });

  it('leaves identical state when the same event is applied again', async () => {
    const event = upsert('guide/install.md', INSTALL);
    await processor.process(event, 1);
    const before = { doc: await graph.getDocument(event.docId), docs: await graph.countDocuments(), points: await vector.countPoints() };
    await processor.process(event, 1);
    expect(await graph.getDocument(event.docId)).toEqual(before.doc);
    expect(await graph.countDocuments()).toBe(before.docs);
    expect(await vector.countPoints()).toBe(before.points);
    expect(vectorRows()).toBe(before.points);
  });

  it('repairs the vector store when redelivered after a crash between the two writes', async () => {
    const event = upsert('guide/install.md', INSTALL);
    const crashing: VectorStore = Object.assign(Object.create(vector) as VectorStore, {
      replaceDocument: () => Promise.reject(new Error('worker died here')),
    });
    await expect(createEventProcessor({ graph, vector: crashing, embedder }).process(event, 7)).rejects.toThrow('worker died');
    expect(await graph.getDocument(event.docId)).not.toBeNull();
    expect(await vector.countPoints()).toBe(0);
    // Redelivered with the same sequence: the graph already holds it, the vector store does not, and gets it.
    await processor.process(event, 7);
    expect(await vector.countPoints()).toBe(3);
  });

  it('an upsert older than a delete already processed leaves the document deleted in both stores', async () => {
    await processor.process(upsert('guide/install.md', INSTALL), 1);
    await processor.process(remove('guide/install.md'), 3);
    await processor.process(upsert('guide/install.md', '# Install\n\nAn edit from before the delete.'), 2);
    expect(await graph.getDocument('docs:guide/install.md')).toBeNull();
    expect(await vector.countPoints()).toBe(0);
    expect(await graph.appliedVersions(['docs:guide/install.md'])).toEqual(new Map([['docs:guide/install.md', { version: 3, deleted: true }]]));
  });

  it('processMany reports a write both stores found stale as stale, not as a failure', async () => {
    await processor.process(upsert('a.md', '# A\n\nNewest.'), 5);
    const outcomes = await processor.processMany([upsert('a.md', '# A\n\nOlder.'), remove('a.md'), upsert('b.md', '# B')], [3, 4, 6]);
    expect(outcomes).toEqual(['stale', 'stale', null]);
    expect((await graph.getDocument('docs:a.md'))?.chunks.map((c) => c.text)).toEqual(['Newest.']);
  });

  it('removes chunks and points past the new count when an update has fewer chunks', async () => {
    await processor.process(upsert('guide/install.md', INSTALL), ++version);
    await processor.process(upsert('guide/install.md', '# Install\n\nJust one section now.'), ++version);
    expect((await graph.getDocument('docs:guide/install.md'))?.chunks).toHaveLength(1);
    expect(db.prepare('SELECT count(*) FROM graph_chunks').pluck().get()).toBe(1);
    expect(await vector.countPoints()).toBe(1);
    expect(vectorRows()).toBe(1);
  });

  it('delete removes the document, its chunks and its points', async () => {
    await processor.process(upsert('guide/install.md', INSTALL), ++version);
    await processor.process(remove('guide/install.md'), ++version);
    expect(await graph.getDocument('docs:guide/install.md')).toBeNull();
    expect(await graph.countDocuments()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM graph_chunks').pluck().get()).toBe(0);
    expect(await vector.countPoints()).toBe(0);
    expect(vectorRows()).toBe(0);
  });

  it('makes a link to a not-yet-ingested document visible once that document arrives', async () => {
    await processor.process(upsert('guide/install.md', INSTALL), ++version);
    expect((await graph.neighbours('docs:guide/install.md')).linksTo).toEqual([]);
    await processor.process(upsert('usage.md', '# Usage\n\nRun it.'), ++version);
    expect((await graph.neighbours('docs:guide/install.md')).linksTo).toEqual([
      { id: 'docs:usage.md', title: 'Usage', path: 'usage.md' },
    ]);
    expect((await graph.neighbours('docs:usage.md')).linkedFrom.map((r) => r.id)).toEqual(['docs:guide/install.md']);
  });

  it('rejects an upsert without content with a permanent InvalidEventError', async () => {
    const error = await processor.process(upsert('a.md', '', { content: undefined }), ++version).catch((e: unknown) => e);
    expect(isInvalidEventError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'InvalidEventError', code: 'INVALID_EVENT' });
    expect(await graph.countDocuments()).toBe(0);
  });

  it("embeds each chunk with its breadcrumb, within the embedder's input limit", async () => {
    const embedded: string[] = [];
    const small = new HashedEmbedder();
    const recording = {
      model: small.model,
      dimension: small.dimension,
      maxInputTokens: 64,
      embed: async (texts: string[]) => {
        embedded.push(...texts);
        return small.embed(texts);
      },
    };
    const long = `${INSTALL}\n${Array.from({ length: 12 }, (_, i) => `Step ${i}: run the installer with option ${i} and check the log.`).join('\n\n')}\n`;
    await createEventProcessor({ graph, vector, embedder: recording }).process(upsert('guide/install.md', long), ++version);
    expect(embedded.length).toBeGreaterThan(4);
    expect(embedded[0]).toBe('Installing inlet > Install\n\nIntro to installation. See [usage](../usage.md#run), [self](./install.md) and [usage again](/usage.md).');
    expect(embedded.slice(1).every((t) => t.startsWith('Installing inlet > Install > '))).toBe(true);
    for (const text of embedded) expect(countTokens(text)).toBeLessThanOrEqual(64);
    const stored = await graph.getDocument('docs:guide/install.md');
    expect(stored?.chunks.map((c) => c.text)).toEqual(embedded.map((t) => t.slice(t.indexOf('\n\n') + 2)));
  });
});
