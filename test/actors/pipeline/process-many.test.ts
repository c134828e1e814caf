import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from '../../../src/actors/embed/hashed-embedder.ts';
import { isInvalidEventError } from '../../../src/actors/pipeline/invalid-event-error.ts';
import { createEventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import { SqliteGraphStore } from '../../../src/actors/stores/sqlite-graph-store.ts';
import { SqliteVectorStore } from '../../../src/actors/stores/sqlite-vector-store.ts';
import { openDatabase } from '../../../src/actors/system/open-backends.ts';
import { upsertEvent } from '../../support/events.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function setUp() {
  dir = mkdtempSync(join(tmpdir(), 'inlet-many-'));
  const db = openDatabase(join(dir, 'inlet.db'));
  const graph = new SqliteGraphStore(db);
  const vector = new SqliteVectorStore(db);
  await graph.init();
  await vector.init(384);
  return { graph, vector, processor: createEventProcessor({ graph, vector, embedder: new HashedEmbedder(), targetChunkTokens: 128 }) };
}

describe('processMany', () => {
  it('writes a batch in one go and reports a bad event alone', async () => {
    const { graph, vector, processor } = await setUp();
    const outcomes = await processor.processMany([
      upsertEvent('a.md'),
      upsertEvent('broken.md', { content: undefined }),
      upsertEvent('b.md'),
      { ...upsertEvent('a.md'), id: 'delete-a', kind: 'delete', content: undefined },
    ], [1, 2, 3, 4]);
    expect(outcomes.map((o) => o === null)).toEqual([true, false, true, true]);
    expect(isInvalidEventError(outcomes[1])).toBe(true);
    expect(await graph.getDocument('test:a.md')).toBeNull();
    expect(await graph.getDocument('test:b.md')).not.toBeNull();
    expect(await graph.countDocuments()).toBe(1);
    expect(await vector.countPoints()).toBe(1);
  });

  it('leaves the same state as one-by-one processing', async () => {
    const { graph, processor } = await setUp();
    const events = [upsertEvent('x.md', { content: '# X\n\nSee [y](y.md).\n\n## Part\n\ntext\n' }), upsertEvent('y.md')];
    await processor.processMany(events, [1, 2]);
    const batched = await graph.getDocument('test:x.md');
    // The same events again, as a redelivery would bring them: same versions, re-applied idempotently.
    for (const [i, event] of events.entries()) await processor.process(event, i + 1);
    expect(await graph.getDocument('test:x.md')).toEqual(batched);
    expect((await graph.neighbours('test:y.md')).linkedFrom.map((d) => d.id)).toEqual(['test:x.md']);
  });
});
