// Sources at scale (issue 12 part 4): a Confluence connector over a fake Cloud site holding many pages, polled the way
// the connector polls (runPoll: the source, a breaker, the queue, then the per-document state and the cursor). Reports
// the backfill rate, what an idle poll writes, what a poll with 10 changed pages costs, and the memory while the
// per-document state is held. Alone: `npx tsx bench/sources-bench.ts [pages]` (default 2,000) prints the figures.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Database from 'better-sqlite3';
import { createActor } from 'xstate';
import type { BreakerActor } from '../src/actors/breaker/call-through-breaker.ts';
import { runPoll } from '../src/actors/connector/create-poll-logic.ts';
import { CachedDocumentStateStore } from '../src/actors/cursor/cached-document-state-store.ts';
import type { CursorStore } from '../src/actors/cursor/cursor-store.ts';
import type { DocumentStateChanges, DocumentStateStore } from '../src/actors/cursor/document-state-store.ts';
import { SqliteCursorStore } from '../src/actors/cursor/sqlite-cursor-store.ts';
import { SqliteDocumentStateStore } from '../src/actors/cursor/sqlite-document-state-store.ts';
import { silentLogger } from '../src/actors/log/logger.ts';
import type { IngestionQueue } from '../src/actors/queue/ingestion-queue.ts';
import { confluenceOptionsOf } from '../src/actors/sources/confluence/confluence-options.ts';
import { ConfluenceSource } from '../src/actors/sources/confluence/confluence-source.ts';
import { connectorSchema } from '../src/config/connector-schema.ts';
import { circuitBreakerMachine } from '../src/machines/circuit-breaker.machine.ts';
import type { PollInput } from '../src/machines/connector.machine.ts';
import type { IngestionEvent } from '../src/model/ingestion-event.ts';
import { startFakeConfluence } from '../test/support/fake-confluence.ts';
import { Deadline } from './deadline.ts';
import { sampleMemory } from './memory-sample.ts';

const CONNECTOR = 'wiki';
/** Pages per listing request: the most REST v2 allows. */
const PAGE_SIZE = 250;
const CHANGED = 10;

/** What the sources benchmark measured. */
export interface SourcesBenchResult {
  pages: number;
  backfillSeconds: number;
  backfillPagesPerS: number;
  backfillRequests: number;
  /** Requests, bytes written to the cursor and state stores, and state entries written by one poll with nothing changed. */
  idle: PollCost;
  /** The same for a poll after `CHANGED` pages were edited. */
  delta: PollCost;
  changed: number;
  /** Entries held in the per-document state after the backfill. */
  stateEntries: number;
  /** This process while it holds the state (the fake site lives in it too), and before the source ran. */
  rssMb: number;
  heapUsedMb: number;
  baselineRssMb: number;
  baselineHeapUsedMb: number;
  /** Whether full GCs ran before each sample. */
  afterGc: boolean;
}

/** What one poll cost. */
export interface PollCost {
  requests: number;
  events: number;
  bytesWritten: number;
  stateEntriesWritten: number;
  cursorBytesWritten: number;
}

/** Counts what reaches the stores: state entries (id and value bytes) and cursors (their JSON bytes). */
class CountingStores {
  readonly figures = { stateEntries: 0, stateBytes: 0, cursorBytes: 0 };
  readonly cursors: CursorStore;
  readonly states: DocumentStateStore;

  constructor(db: Database.Database) {
    const cursors = new SqliteCursorStore(db);
    const states = new SqliteDocumentStateStore(db);
    const figures = this.figures;
    this.cursors = {
      get: (connector) => cursors.get(connector),
      set: async (connector, cursor) => {
        figures.cursorBytes += Buffer.byteLength(JSON.stringify(cursor));
        await cursors.set(connector, cursor);
      },
      delete: (connector) => cursors.delete(connector),
    };
    this.states = new CachedDocumentStateStore({
      load: (connector) => states.load(connector),
      apply: async (connector, changes: DocumentStateChanges) => {
        for (const [id, value] of Object.entries(changes.set)) figures.stateBytes += Buffer.byteLength(id) + Buffer.byteLength(value);
        for (const id of changes.delete) figures.stateBytes += Buffer.byteLength(id);
        figures.stateEntries += Object.keys(changes.set).length + changes.delete.length;
        await states.apply(connector, changes);
      },
      clear: (connector) => states.clear(connector),
    });
  }
}

/** A queue that counts and drops what it is given: the benchmark is about the source, not the queue. */
function countingQueue(): { queue: IngestionQueue; events: () => number } {
  let events = 0;
  const queue = {
    enqueue: async (batch: IngestionEvent[]) => {
      events += batch.length;
      return { queued: batch.length, duplicates: 0 };
    },
  } as unknown as IngestionQueue;
  return { queue, events: () => events };
}

/**
 * Exposes a full GC to `sampleMemory` when the process was not started with `--expose-gc` (`npm run bench` is not):
 * without it the RSS held after the backfill would count the backfill's garbage (100,000 events) as state.
 */
function exposeGc(): void {
  const scope = globalThis as { gc?: () => void };
  if (scope.gc) return;
  setFlagsFromString('--expose_gc');
  scope.gc = runInNewContext('gc') as () => void;
}

/** Backfills a fake site of `pages` pages, then measures an idle poll and a poll after `CHANGED` edits. */
export async function benchSources(pages: number, deadline: Deadline): Promise<SourcesBenchResult> {
  exposeGc();
  const fake = await startFakeConfluence({ maxPageSize: PAGE_SIZE });
  const db = new Database(':memory:');
  try {
    const ids: string[] = [];
    // Edited ten minutes apart, the newest two days ago: the delta's re-read window holds a handful, as on a real site.
    const newest = Date.now() - 2 * 86_400_000;
    for (let i = 0; i < pages; i++) ids.push(fake.addPage({ space: 'ENG', title: `Page ${i}`, storage: `<p>Page ${i} of the benchmark site.</p>`, modifiedAt: newest - i * 600_000 }));
    deadline.check(() => 'while filling the fake site');
    const baseline = await sampleMemory(200);

    const config = connectorSchema.parse({ token: 'bench', metadata: { base_url: fake.baseUrl, flavor: 'cloud', spaces: ['ENG'], page_size: PAGE_SIZE, time_zone: 'UTC' } });
    const source = new ConfluenceSource(CONNECTOR, confluenceOptionsOf(CONNECTOR, config), silentLogger);
    const stores = new CountingStores(db);
    const counted = countingQueue();
    const breaker = createActor(circuitBreakerMachine, { input: { enabled: false, failureThreshold: 5, timeoutMs: 60_000 } }).start() as BreakerActor;
    const deps = { sources: new Map([[CONNECTOR, { source, batchSize: 500 }]]), cursors: stores.cursors, states: stores.states, queue: counted.queue };
    const input: PollInput = { name: CONNECTOR, webhooks: [] };
    const poll = async (): Promise<PollCost> => {
      const before = { requests: fake.requests.length, events: counted.events(), ...stores.figures };
      await deadline.race(runPoll(deps, input, breaker, new AbortController().signal));
      const stateBytes = stores.figures.stateBytes - before.stateBytes;
      const cursorBytes = stores.figures.cursorBytes - before.cursorBytes;
      return {
        requests: fake.requests.length - before.requests,
        events: counted.events() - before.events,
        bytesWritten: stateBytes + cursorBytes,
        stateEntriesWritten: stores.figures.stateEntries - before.stateEntries,
        cursorBytesWritten: cursorBytes,
      };
    };

    const started = performance.now();
    const backfill = await poll();
    const backfillSeconds = (performance.now() - started) / 1000;
    if (backfill.events !== pages) throw new Error(`the backfill emitted ${backfill.events} events for ${pages} pages`);
    const idle = await poll();
    for (const id of ids.slice(0, CHANGED)) fake.editPage(id, { storage: '<p>edited</p>' });
    const delta = await poll();
    const held = await sampleMemory(200);
    return {
      pages,
      backfillSeconds,
      backfillPagesPerS: pages / backfillSeconds,
      backfillRequests: backfill.requests,
      idle,
      delta,
      changed: CHANGED,
      stateEntries: (await stores.states.load(CONNECTOR)).size,
      rssMb: held.rssMb,
      heapUsedMb: held.heapUsedMb,
      baselineRssMb: baseline.rssMb,
      baselineHeapUsedMb: baseline.heapUsedMb,
      afterGc: held.afterGc,
    };
  } finally {
    db.close();
    await fake.close();
  }
}

if (process.argv[1]?.endsWith('sources-bench.ts')) {
  const pages = Number(process.argv[2] ?? 2000);
  benchSources(pages, new Deadline('sources', 600_000)).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
