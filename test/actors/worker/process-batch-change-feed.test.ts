import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { SqliteChangeFeed } from '../../../src/actors/changes/sqlite-change-feed.ts';
import type { ChangeFeed } from '../../../src/actors/changes/change-feed.ts';
import type { EventOutcome, EventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import { StoreUnavailableError } from '../../../src/actors/stores/store-errors.ts';
import { createProcessBatchLogic } from '../../../src/actors/worker/create-process-batch-logic.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';
import { upsertEvent } from '../../support/events.ts';
import { type QueueHarness, queueBackends } from '../../support/queue-backends.ts';

const sqlite = queueBackends.find((b) => b.name === 'sqlite')!;
let harness: QueueHarness | undefined;
afterEach(async () => harness?.dispose());

/** Answers each event with the outcome its path is given (written by default). */
function processorAnswering(outcomes: Record<string, EventOutcome>): EventProcessor {
  return {
    async process() {},
    async processMany(events: IngestionEvent[]) {
      return events.map((event) => outcomes[event.path] ?? null);
    },
  };
}

async function runBatch(processor: EventProcessor, feed: ChangeFeed) {
  const claimed = await harness!.queue.claim({ max: 10, waitMs: 0 });
  return toPromise(createActor(createProcessBatchLogic(harness!.queue, processor, () => {}, feed), { input: { size: claimed.length, items: claimed } }).start());
}

describe('processBatch actor and the change feed', () => {
  it('appends the upserts and deletes both stores committed, not the stale or failed ones', async () => {
    harness = await sqlite.create();
    const feed = new SqliteChangeFeed(new Database(':memory:'));
    await harness.queue.enqueue([
      upsertEvent('a.md', { url: 'https://example.test/a' }),
      upsertEvent('stale.md'),
      upsertEvent('bad.md'),
      { id: 'test:gone.md:2', source: 'test', kind: 'delete', docId: 'test:gone.md', path: 'gone.md', updatedAt: '2026-11-28T00:00:00.000Z' },
    ]);
    await runBatch(processorAnswering({ 'stale.md': 'stale', 'bad.md': new Error('cannot parse') }), feed);
    const { changes } = await feed.read('0', 10);
    expect(changes.map(({ docId, kind, source, path, url }) => ({ docId, kind, source, path, url }))).toEqual([
      { docId: 'test:a.md', kind: 'upsert', source: 'test', path: 'a.md', url: 'https://example.test/a' },
      { docId: 'test:gone.md', kind: 'delete', source: 'test', path: 'gone.md', url: undefined },
    ]);
  });

  it('releases the batch unacknowledged when the feed cannot take it, so its redelivery is appended', async () => {
    harness = await sqlite.create();
    await harness.queue.enqueue([upsertEvent('a.md')]);
    const down: ChangeFeed = Object.assign(new SqliteChangeFeed(new Database(':memory:')), {
      append: async () => {
        throw new StoreUnavailableError('changes', new Error('connection refused'));
      },
    });
    await expect(runBatch(processorAnswering({}), down)).rejects.toThrow(/changes store unavailable/);
    const feed = new SqliteChangeFeed(new Database(':memory:'));
    await runBatch(processorAnswering({}), feed);
    expect((await feed.read('0', 10)).changes.map((c) => c.docId)).toEqual(['test:a.md']);
  });
});
