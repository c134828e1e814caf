import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import type { BreakerActor } from '../../../src/actors/breaker/call-through-breaker.ts';
import type { DocumentSource, PollRequest } from '../../../src/actors/sources/document-source.ts';
import { circuitBreakerMachine } from '../../../src/machines/circuit-breaker.machine.ts';
import type { IngestionEvent } from '../../../src/model/ingestion-event.ts';
import { abandonablePoll, isAbortError } from './abandoned-poll-kit.ts';

const event = (n: number): IngestionEvent => ({ id: `e${n}`, source: 'fake', kind: 'delete', docId: `fake:${n}`, path: `${n}`, updatedAt: '2024-01-01T00:00:00.000Z' });

/** A source whose one call (through the guard) waits for the test; it then answers `events`. */
function heldSource(events: IngestionEvent[]) {
  let release!: () => void;
  let started!: (signal: AbortSignal | undefined) => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const callStarted = new Promise<AbortSignal | undefined>((resolve) => (started = resolve));
  const source: DocumentSource = {
    async poll({ guard }: PollRequest) {
      await guard(async (signal) => {
        started(signal);
        await gate;
      });
      return { events, nextCursor: { at: 'next' } };
    },
    isOutage: () => true,
  };
  return { source, release, callStarted };
}

describe('an abandoned poll', () => {
  it('enqueues no further batch and saves no cursor when aborted during an enqueue', async () => {
    const source: DocumentSource = { poll: async () => ({ events: [event(1), event(2), event(3)], nextCursor: { at: 'next' } }), isOutage: () => true };
    const poll = abandonablePoll('fake', source, { batchSize: 1 });
    const release = poll.queue.holdEnqueues();
    const settled = poll.start();
    await untilInTurns(() => poll.queue.batches.length === 1);
    poll.controller.abort();
    release();
    const result = await settled;
    expect(isAbortError(result.error)).toBe(true);
    expect(poll.queue.batches).toMatchObject([[event(1)]]);
    expect(poll.cursors.writes).toEqual([]);
  });

  it('that was not aborted enqueues every batch and then saves the cursor', async () => {
    const source: DocumentSource = { poll: async () => ({ events: [event(1), event(2)], nextCursor: { at: 'next' } }), isOutage: () => true };
    const poll = abandonablePoll('fake', source, { batchSize: 1 });
    const result = await poll.start();
    expect(result.outcome).toMatchObject({ received: 2, queued: 2 });
    expect(poll.queue.batches).toMatchObject([[event(1)], [event(2)]]); // each stamped with how it was seen, too
    expect(poll.cursors.writes).toEqual([{ at: 'next' }]);
  });

  it('reports an aborted call to the breaker neither as a failure nor as a success', async () => {
    const held = heldSource([event(1)]);
    const poll = abandonablePoll('fake', held.source);
    const settled = poll.start();
    const signal = await held.callStarted;
    poll.controller.abort();
    expect(signal?.aborted).toBe(true);
    held.release();
    expect(isAbortError((await settled).error)).toBe(true);
    expect(poll.breaker.getSnapshot().context).toMatchObject({ calls: 1, failures: 0, failureCount: 0 });
    expect(poll.queue.batches).toEqual([]);
  });

  it('is released at once from a half-open probe, which runs on to its answer and settles the breaker', async () => {
    const clock = new SimulatedClock();
    const breaker = createActor(circuitBreakerMachine, { clock, input: { enabled: true, failureThreshold: 1, timeoutMs: 1000 } }).start() as BreakerActor;
    breaker.send({ type: 'CALL', at: 0 });
    breaker.send({ type: 'FAILURE', at: 0 });
    clock.increment(1000);
    expect(breaker.getSnapshot().value).toEqual({ half_open: 'waiting_for_probe' });

    const held = heldSource([event(1)]);
    const poll = abandonablePoll('fake', held.source, { breaker });
    const settled = poll.start();
    const probeSignal = await held.callStarted;
    expect(breaker.getSnapshot().value).toEqual({ half_open: 'probing' });
    poll.controller.abort();
    // The poll ends before the probe's answer: nothing waits on a slow source after a STOP.
    expect(isAbortError((await settled).error)).toBe(true);
    expect(probeSignal?.aborted).toBe(false);
    held.release();
    await untilInTurns(() => breaker.getSnapshot().value === 'closed');
    expect(poll.queue.batches).toEqual([]);
    expect(poll.cursors.writes).toEqual([]);
  });
});

/** Waits (in event-loop turns, not wall-clock time) until `check` holds. */
async function untilInTurns(check: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !check(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(check()).toBe(true);
}
