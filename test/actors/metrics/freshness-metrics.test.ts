import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { registerFreshnessHistograms } from '../../../src/actors/metrics/freshness-metrics.ts';
import type { EventOutcome, EventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import { NewestSourceChanges } from '../../../src/actors/system/newest-source-changes.ts';
import { type CommitNotice, CommitNotices } from '../../../src/actors/worker/commit-notices.ts';
import { createProcessBatchLogic } from '../../../src/actors/worker/create-process-batch-logic.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';
import { upsertEvent } from '../../support/events.ts';
import { type QueueHarness, queueBackends } from '../../support/queue-backends.ts';

const T = Date.parse('2026-12-02T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const sqlite = queueBackends.find((b) => b.name === 'sqlite')!;
let harness: QueueHarness | undefined;
afterEach(async () => harness?.dispose());

/** Count and sum of one histogram series, from the registry as a scrape would read it. */
async function histogram(registry: Registry, name: string, labels: Record<string, string>) {
  // A histogram's values carry the series name (`_count`, `_sum`, `_bucket`), which prom-client's MetricValue type omits.
  const metric = (await registry.getSingleMetric(name)!.get()) as { values: { metricName?: string; labels: Record<string, unknown>; value: number }[] };
  const matches = (l: Record<string, unknown>) => Object.entries(labels).every(([k, v]) => l[k] === v);
  const count = metric.values.find((v) => v.metricName === `${name}_count` && matches(v.labels))?.value;
  const sum = metric.values.find((v) => v.metricName === `${name}_sum` && matches(v.labels))?.value;
  return { count, sum };
}

function observed() {
  const registry = new Registry();
  const notices = new CommitNotices();
  registerFreshnessHistograms(registry, { onCommitted: (listener) => notices.subscribe(listener) });
  return { registry, notices };
}

describe('the freshness histograms', () => {
  it('observe an upsert from its seen time by trigger and from its source time, a delete from its seen time', async () => {
    const { registry, notices } = observed();
    const events: IngestionEvent[] = [
      upsertEvent('a.md', { source: 'docs', seenAt: iso(T - 2000), trigger: 'watch', updatedAt: iso(T - 10_000) }),
      upsertEvent('b.md', { source: 'docs', seenAt: iso(T - 500), trigger: 'webhook', updatedAt: iso(T - 1000) }),
      { id: 'docs:c.md@deleted', source: 'docs', kind: 'delete', docId: 'docs:c.md', path: 'c.md', updatedAt: iso(T), seenAt: iso(T - 300), trigger: 'poll' },
    ];
    notices.publish({ events, committedAt: T });
    expect(await histogram(registry, 'inlet_change_to_searchable_seconds', { connector: 'docs', trigger: 'watch' })).toEqual({ count: 1, sum: 2 });
    expect(await histogram(registry, 'inlet_change_to_searchable_seconds', { connector: 'docs', trigger: 'webhook' })).toEqual({ count: 1, sum: 0.5 });
    expect(await histogram(registry, 'inlet_change_to_searchable_seconds', { trigger: 'poll' })).toEqual({ count: undefined, sum: undefined });
    expect(await histogram(registry, 'inlet_source_change_to_searchable_seconds', { connector: 'docs' })).toEqual({ count: 2, sum: 11 });
    expect(await histogram(registry, 'inlet_delete_to_gone_seconds', { connector: 'docs' })).toEqual({ count: 1, sum: 0.3 });
  });

  it("leave out an event an older version queued (no seenAt), and count another clock's lead as 0, not as a negative", async () => {
    const { registry, notices } = observed();
    notices.publish({ events: [upsertEvent('old.md', { source: 'docs', updatedAt: iso(T + 5000) })], committedAt: T });
    expect((await histogram(registry, 'inlet_change_to_searchable_seconds', { connector: 'docs' })).count).toBeUndefined();
    expect(await histogram(registry, 'inlet_source_change_to_searchable_seconds', { connector: 'docs' })).toEqual({ count: 1, sum: 0 });
  });
});

describe('the freshness lag', () => {
  it('is now minus the newest upsert source time committed per connector, unknown before the first, deaf to deletes', () => {
    const newest = new NewestSourceChanges();
    expect(newest.lagSecondsOf('docs', T)).toBeNull();
    newest.note({ events: [upsertEvent('a.md', { source: 'docs', updatedAt: iso(T - 30_000) }), upsertEvent('b.md', { source: 'docs', updatedAt: iso(T - 60_000) })], committedAt: T });
    newest.note({ events: [{ id: 'd', source: 'docs', kind: 'delete', docId: 'docs:x', path: 'x', updatedAt: iso(T) }], committedAt: T });
    expect(newest.lagSecondsOf('docs', T)).toBe(30);
    expect(newest.lagSecondsOf('docs', T + 10_000)).toBe(40);
    expect(newest.lagSecondsOf('wiki', T)).toBeNull();
  });
});

describe('the processBatch actor', () => {
  it('tells of the events both stores wrote, with their stamps through the queue, and not the stale or failed ones', async () => {
    harness = await sqlite.create();
    await harness.queue.enqueue([
      upsertEvent('a.md', { seenAt: iso(T - 1000), trigger: 'watch' }),
      upsertEvent('stale.md'),
      upsertEvent('bad.md'),
    ]);
    const outcomes: Record<string, EventOutcome> = { 'stale.md': 'stale', 'bad.md': new Error('cannot parse') };
    const processor: EventProcessor = { async process() {}, processMany: async (events) => events.map((e) => outcomes[e.path] ?? null) };
    const notices = new CommitNotices();
    const heard: CommitNotice[] = [];
    notices.subscribe((notice) => heard.push(notice));
    const claimed = await harness.queue.claim({ max: 10, waitMs: 0 });
    const logic = createProcessBatchLogic(harness.queue, processor, () => {}, undefined, notices, () => T);
    await toPromise(createActor(logic, { input: { size: claimed.length, items: claimed } }).start());
    expect(heard).toHaveLength(1);
    expect(heard[0].committedAt).toBe(T);
    expect(heard[0].events.map((e) => [e.path, e.trigger, e.seenAt])).toEqual([['a.md', 'watch', iso(T - 1000)]]);
  });
});
