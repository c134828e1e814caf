import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { createPollLogic } from '../../../src/actors/connector/create-poll-logic.ts';
import { seenStampOf } from '../../../src/actors/connector/seen-stamp.ts';
import { MemoryDocumentStateStore } from '../../../src/actors/cursor/memory-document-state-store.ts';
import type { DocumentSource } from '../../../src/actors/sources/document-source.ts';
import { bufferWebhooks } from '../../../src/machines/webhook-buffer.ts';
import { type ConnectorInput, connectorMachine } from '../../../src/machines/connector.machine.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';
import { recordingCursors, recordingQueue } from './abandoned-poll-kit.ts';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

/** A source whose every poll finds one change to `guide.md`, with a new id each time. */
function changingSource(): DocumentSource {
  let n = 0;
  return {
    async poll({ cursor }) {
      n++;
      const event: IngestionEvent = { id: `docs:guide.md@${n}`, source: 'docs', kind: 'upsert', docId: 'docs:guide.md', path: 'guide.md', content: '# Guide', updatedAt: iso(T0 - 60_000) };
      return { events: [event], nextCursor: { n, before: cursor } };
    },
    isOutage: () => true,
  };
}

const input: ConnectorInput = {
  name: 'docs',
  kind: 'local',
  pollIntervalMs: 60_000,
  maxRetries: 3,
  backoffBaseMs: 1000,
  maxBufferedWebhooks: 10,
  webhookDebounceMs: 250,
  breaker: { enabled: true, failureThreshold: 3, timeoutMs: 30_000 },
  restarts: 0,
};

/** A connector whose poll is the real poll actor over `changingSource`, and the events it enqueued, flattened. */
async function startConnector() {
  const queue = recordingQueue();
  const poll = createPollLogic({
    sources: new Map([['docs', { source: changingSource(), batchSize: 100 }]]),
    cursors: recordingCursors().cursors,
    states: new MemoryDocumentStateStore(),
    queue: queue.queue,
  });
  const actor = createActor(connectorMachine.provide({ actors: { poll } }), { input });
  actor.subscribe({ error: (error) => expect.unreachable(String(error)) });
  actor.start();
  actor.send({ type: 'START' });
  await vi.advanceTimersByTimeAsync(0);
  return { actor, events: () => queue.batches.flat() };
}

describe('the seen stamp of polled changes', () => {
  it('stamps a timed poll trigger poll, seen when the source answered, and leaves ids and updatedAt alone', async () => {
    const { actor, events } = await startConnector();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events().map((e) => [e.id, e.trigger, e.seenAt, e.updatedAt])).toEqual([
      ['docs:guide.md@1', 'poll', iso(T0), iso(T0 - 60_000)], // the start-up poll
      ['docs:guide.md@2', 'poll', iso(T0 + 60_000), iso(T0 - 60_000)], // the interval's
    ]);
    actor.stop();
  });

  it("stamps a webhook-triggered poll trigger webhook, seen at the first delivery's arrival, not the debounced poll", async () => {
    const { actor, events } = await startConnector();
    await vi.advanceTimersByTimeAsync(5000);
    const arrived = Date.now();
    actor.send({ type: 'WEBHOOK', deliveryId: 'd1', event: 'push', payload: {}, receivedAt: iso(arrived) });
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'WEBHOOK', deliveryId: 'd2', event: 'push', payload: {}, receivedAt: iso(arrived + 100) });
    await vi.advanceTimersByTimeAsync(150); // the rest of the debounce, which runs from the first delivery
    expect(events()[1]).toMatchObject({ id: 'docs:guide.md@2', trigger: 'webhook', seenAt: iso(arrived) });
    // The buffer was emptied by that poll: the next timed poll, an interval after it, is a poll again.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events()[2]).toMatchObject({ trigger: 'poll', seenAt: iso(arrived + 250 + 60_000) });
    actor.stop();
  });

  it("stamps a poll a file watcher asked for trigger watch, seen at the watcher's first notice", async () => {
    const { actor, events } = await startConnector();
    await vi.advanceTimersByTimeAsync(1000);
    actor.send({ type: 'POLL_NOW', watchedAt: iso(T0 + 850) });
    await vi.advanceTimersByTimeAsync(0);
    expect(events()[1]).toMatchObject({ trigger: 'watch', seenAt: iso(T0 + 850) });
    actor.send({ type: 'POLL_NOW' });
    await vi.advanceTimersByTimeAsync(0);
    expect(events()[2]).toMatchObject({ trigger: 'poll', seenAt: iso(T0 + 1000) });
    actor.stop();
  });

  it('counts a delivery that no route stamped from when the poll found the change', () => {
    const stamp = seenStampOf({ webhooks: [{ deliveryId: 'old', event: 'push', payload: {} }] }, T0);
    expect(stamp).toEqual({ trigger: 'webhook', seenAt: iso(T0) });
  });

  it('keeps the earlier arrival when a delivery replaces a buffered one with the same news', () => {
    const first = { deliveryId: 'a', event: 'push', payload: {}, coalesceKey: 'push', receivedAt: iso(T0) };
    const second = { deliveryId: 'b', event: 'push', payload: {}, coalesceKey: 'push', receivedAt: iso(T0 + 500) };
    const { pending, coalesced } = bufferWebhooks({ pending: [first], inFlight: 0, max: 10 }, [second]);
    expect(coalesced).toBe(1);
    expect(pending).toEqual([{ ...second, receivedAt: iso(T0) }]);
  });
});
