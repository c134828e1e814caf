import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { type BreakerActor, callThroughBreaker, everyErrorIsAnOutage } from '../../src/actors/breaker/call-through-breaker.ts';
import {
  type ConnectorInput,
  connectorMachine,
  type PollInput,
  type PollOutcome,
  retryCeilingMs,
  type WebhookMessage,
} from '../../src/machines/connector.machine.ts';

const T0 = 1_700_000_000_000;

const baseInput: ConnectorInput = {
  name: 'github',
  kind: 'github',
  pollIntervalMs: 60_000,
  maxRetries: 3,
  backoffBaseMs: 1_000,
  maxBufferedWebhooks: 3,
  webhookDebounceMs: 250,
  breaker: { enabled: true, failureThreshold: 3, timeoutMs: 30_000 },
  restarts: 0,
};

const okOutcome = (received = 2, queued = 1): PollOutcome => ({ received, queued, syncedAt: new Date(Date.now()).toISOString() });

/** A fake poll actor that records each call (time since T0 and input) and answers with `answer`. */
function fakePoll(answer: (input: PollInput, call: number) => Promise<PollOutcome> = async () => okOutcome()) {
  const calls: { at: number; input: PollInput }[] = [];
  const logic = fromPromise<PollOutcome, PollInput>(async ({ input }) => {
    calls.push({ at: Date.now() - T0, input });
    return answer(input, calls.length);
  });
  return { logic, calls };
}

/** A fake poll that goes through the connector's real breaker, the way the source adapters do. */
function pollThroughBreaker(source: () => Promise<PollOutcome>) {
  const calls: { at: number; input: PollInput }[] = [];
  const logic = fromPromise<PollOutcome, PollInput>(async ({ input, system }) => {
    calls.push({ at: Date.now() - T0, input });
    return callThroughBreaker(system.get(`breaker:${input.name}`) as BreakerActor, input.name, source, everyErrorIsAnOutage);
  });
  return { logic, calls };
}

function start(machine: typeof connectorMachine, input: Partial<ConnectorInput> = {}) {
  const actor = createActor(machine, { input: { ...baseInput, ...input } });
  const errors: unknown[] = [];
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  const breaker = () => actor.system.get(`breaker:${actor.getSnapshot().context.name}`) as BreakerActor;
  return { actor, errors, breaker };
}

const webhook = (deliveryId: string): WebhookMessage => ({ deliveryId, event: 'push', payload: { ref: 'refs/heads/main', deliveryId } });
const keyed = (deliveryId: string, coalesceKey: string): WebhookMessage => ({ ...webhook(deliveryId), coalesceKey });

/** A started connector with the queue under backpressure: webhooks wait in its buffer until BACKPRESSURE_OFF. */
async function startPaused(input: Partial<ConnectorInput> = {}) {
  const poll = fakePoll();
  const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }), input);
  actor.send({ type: 'START' });
  await settle();
  actor.send({ type: 'BACKPRESSURE_ON' });
  return { actor, poll };
}

/** Let promise actors settle without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('connector machine: polling schedule', () => {
  it('starts in stopped and does not poll until START', async () => {
    const poll = fakePoll();
    const { actor, errors } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    expect(actor.getSnapshot().value).toBe('stopped');
    await vi.advanceTimersByTimeAsync(10 * baseInput.pollIntervalMs);
    expect(poll.calls).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('spawns its breaker with systemId breaker:<name>, reporting to the connector', () => {
    const { actor, breaker } = start(connectorMachine.provide({ actors: { poll: fakePoll().logic } }));
    expect(breaker()).toBeDefined();
    expect(breaker().getSnapshot().context).toMatchObject({ ...baseInput.breaker, reportToParent: true });
    expect(actor.getSnapshot().children.breaker).toBe(breaker());
  });

  it('polls at once on START, then every pollInterval after each poll, recording the outcome in stats', async () => {
    const poll = fakePoll(async () => okOutcome(5, 3));
    const { actor, errors } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toBe('polling');
    await settle();
    expect(actor.getSnapshot().value).toBe('idle');
    expect(poll.calls.map((c) => c.at)).toEqual([0]);
    expect(poll.calls[0].input).toEqual({ name: 'github', webhooks: [] });

    await vi.advanceTimersByTimeAsync(59_999);
    expect(poll.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 60_000]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 60_000, 120_000, 180_000]);

    expect(actor.getSnapshot().context.stats).toMatchObject({
      events_received: 20,
      events_queued: 12,
      errors: 0,
      last_sync: new Date(T0 + 180_000).toISOString(),
      last_error: null,
    });
    expect(errors).toEqual([]);
  });

  it('polls at once on POLL_NOW while idle', async () => {
    const poll = fakePoll();
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    actor.send({ type: 'POLL_NOW' });
    await settle();
    expect(poll.calls.map((c) => c.at)).toEqual([0, 10_000]);
    // The interval restarts from the last poll.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 10_000, 70_000]);
  });

  it('stops polling on STOP, cancelling the pending interval', async () => {
    const poll = fakePoll();
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'STOP' });
    expect(actor.getSnapshot().value).toBe('stopped');
    await vi.advanceTimersByTimeAsync(5 * baseInput.pollIntervalMs);
    expect(poll.calls).toHaveLength(1);
  });
});

describe('connector machine: retries', () => {
  it('retries a failed poll after base, 2×base, 4×base (the full ceiling by default), then returns to idle counting every error', async () => {
    const poll = fakePoll(async (_input, call) => {
      throw new Error(`HTTP 502 on poll ${call}`);
    });
    const { actor, errors } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    expect(actor.getSnapshot().value).toBe('retrying');

    await vi.advanceTimersByTimeAsync(999);
    expect(poll.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(poll.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(poll.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(poll.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(3_999);
    expect(poll.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000]);

    // maxRetries (3) retries used up: back to idle until the next interval, attempt reset.
    expect(actor.getSnapshot().value).toBe('idle');
    expect(actor.getSnapshot().context.attempt).toBe(0);
    expect(actor.getSnapshot().context.stats).toMatchObject({ errors: 4, last_error: 'HTTP 502 on poll 4' });

    await vi.advanceTimersByTimeAsync(60_000);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000, 67_000]);
    // The next failed poll starts the schedule over at base.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000, 67_000, 68_000]);
    expect(errors).toEqual([]);
  });

  it('resets the retry count after a successful retry', async () => {
    const poll = fakePoll(async (_input, call) => {
      if (call === 1 || call === 3) throw new Error('HTTP 503');
      return okOutcome();
    });
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    await vi.advanceTimersByTimeAsync(1_000); // retry 1 succeeds
    expect(actor.getSnapshot().value).toBe('idle');
    expect(actor.getSnapshot().context.attempt).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000); // poll 3 fails: first retry again waits base, not 2×base
    expect(actor.getSnapshot().value).toBe('retrying');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 1_000, 61_000, 62_000]);
    expect(actor.getSnapshot().context.stats.errors).toBe(2);
  });

  it('uses a provided retryBackoff delay (jitter) instead of the ceiling', async () => {
    const poll = fakePoll(async () => {
      throw new Error('HTTP 500');
    });
    const attemptsSeen: number[] = [];
    // Deterministic stand-in for full jitter: a fixed 30 % share of the ceiling.
    const machine = connectorMachine.provide({
      actors: { poll: poll.logic },
      delays: {
        retryBackoff: ({ context }) => {
          attemptsSeen.push(context.attempt);
          return Math.round(0.3 * retryCeilingMs(context.backoffBaseMs, context.attempt));
        },
      },
    });
    const { actor } = start(machine);
    actor.send({ type: 'START' });
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(poll.calls.map((c) => c.at).slice(0, 4)).toEqual([0, 300, 900, 2_100]);
    expect(attemptsSeen).toEqual([1, 2, 3]);
    expect(actor.getSnapshot().value).toBe('idle');
  });
});

describe('connector machine: queue unreachable', () => {
  const queueDown = () => Object.assign(new Error('ingestion queue is unreachable: Connection is closed'), { code: 'QUEUE_UNAVAILABLE' });

  it('waits for the queue without spending retries when a poll finds it unreachable, polling again at base, 2×base, ... capped at 30 s', async () => {
    const poll = fakePoll(async () => {
      throw queueDown();
    });
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }), { pollIntervalMs: 3_600_000 });
    actor.send({ type: 'START' });
    await settle();
    expect(actor.getSnapshot().value).toBe('waiting_for_queue');
    expect(actor.getSnapshot().context.attempt).toBe(0);

    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000 + 16_000 + 30_000 + 30_000);
    // Past maxRetries (3) and never the hour-long interval: a queue outage is not the source's failure.
    expect(poll.calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000, 91_000]);
    expect(actor.getSnapshot().value).toBe('waiting_for_queue');
    expect(actor.getSnapshot().context.stats).toMatchObject({ errors: 8, last_error: 'ingestion queue is unreachable: Connection is closed' });
  });

  it('polls at once on QUEUE_REACHABLE, and a successful poll resets the backoff', async () => {
    let down = true;
    const poll = fakePoll(async () => {
      if (down) throw queueDown();
      return okOutcome();
    });
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }), { pollIntervalMs: 3_600_000 });
    actor.send({ type: 'START' });
    await settle();
    await vi.advanceTimersByTimeAsync(1_000 + 2_000);
    expect(poll.calls).toHaveLength(3);

    down = false;
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'QUEUE_REACHABLE' });
    await settle();
    expect(poll.calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 3_100]);
    expect(actor.getSnapshot().value).toBe('idle');
    expect(actor.getSnapshot().context.queueWaits).toBe(0);

    // QUEUE_REACHABLE while idle asks for nothing: the next poll is at the interval.
    actor.send({ type: 'QUEUE_REACHABLE' });
    await settle();
    expect(poll.calls).toHaveLength(4);
  });

  it('pauses from waiting_for_queue on BACKPRESSURE_ON and polls when it lifts', async () => {
    let down = true;
    const poll = fakePoll(async () => {
      if (down) throw queueDown();
      return okOutcome();
    });
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'BACKPRESSURE_ON' });
    expect(actor.getSnapshot().value).toBe('paused');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(poll.calls).toHaveLength(1);
    down = false;
    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls).toHaveLength(2);
    expect(actor.getSnapshot().value).toBe('idle');
  });
});

describe('connector machine: breaker', () => {
  it('goes degraded when poll failures open the breaker, stops polling while open, probes on half-open and returns to idle on success', async () => {
    let sourceUp = false;
    const poll = pollThroughBreaker(async () => {
      if (!sourceUp) throw new Error('ECONNREFUSED');
      return okOutcome();
    });
    const { actor, breaker, errors } = start(connectorMachine.provide({ actors: { poll: poll.logic } }), { maxRetries: 10 });
    const notices: string[] = [];
    breaker().on('*', (e) => notices.push(e.type));
    actor.send({ type: 'START' });
    await settle(); // poll 1 fails (breaker 1/3)
    await vi.advanceTimersByTimeAsync(1_000); // retry 1 fails (2/3)
    expect(actor.getSnapshot().value).toBe('retrying');
    await vi.advanceTimersByTimeAsync(2_000); // retry 2 fails (3/3): the breaker opens
    expect(breaker().getSnapshot().value).toBe('open');
    expect(actor.getSnapshot().value).toBe('degraded');
    expect(poll.calls).toHaveLength(3);

    // No polls while the breaker is open, whatever the interval or retry timers would have said.
    await vi.advanceTimersByTimeAsync(29_999);
    expect(poll.calls).toHaveLength(3);
    expect(actor.getSnapshot().value).toBe('degraded');

    sourceUp = true;
    await vi.advanceTimersByTimeAsync(1); // 30 s after opening: half-open, the connector polls once as the probe
    expect(poll.calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 33_000]);
    expect(breaker().getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().value).toBe('idle');
    expect(notices).toEqual(['BREAKER_OPENED', 'BREAKER_HALF_OPEN', 'BREAKER_CLOSED']);
    expect(actor.getSnapshot().context.stats.errors).toBe(2);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 33_000, 93_000]);
    expect(errors).toEqual([]);
  });

  it('goes degraded when its breaker is driven open with FAILURE events, and back to degraded if the probe fails', async () => {
    let sourceUp = false;
    const poll = pollThroughBreaker(async () => {
      if (!sourceUp) throw new Error('ETIMEDOUT');
      return okOutcome();
    });
    const { actor, breaker } = start(connectorMachine.provide({ actors: { poll: poll.logic } }), {
      pollIntervalMs: 1_000_000,
      breaker: { enabled: true, failureThreshold: 2, timeoutMs: 10_000 },
    });
    sourceUp = true;
    actor.send({ type: 'START' });
    await settle();
    expect(actor.getSnapshot().value).toBe('idle');

    sourceUp = false;
    breaker().send({ type: 'FAILURE', at: Date.now(), error: 'x' });
    expect(actor.getSnapshot().value).toBe('idle');
    breaker().send({ type: 'FAILURE', at: Date.now(), error: 'x' });
    expect(actor.getSnapshot().value).toBe('degraded');

    await vi.advanceTimersByTimeAsync(10_000); // probe fails: open again, degraded again, no retry storm
    expect(poll.calls).toHaveLength(2);
    expect(breaker().getSnapshot().value).toBe('open');
    expect(actor.getSnapshot().value).toBe('degraded');
    await vi.advanceTimersByTimeAsync(9_999);
    expect(poll.calls).toHaveLength(2);

    sourceUp = true;
    await vi.advanceTimersByTimeAsync(1);
    expect(poll.calls).toHaveLength(3);
    expect(actor.getSnapshot().value).toBe('idle');
  });

  it('neither retries nor counts an error when a poll is refused by the breaker, and waits in degraded while it is open', async () => {
    const poll = fakePoll(async () => {
      throw Object.assign(new Error('circuit breaker of github is open'), { code: 'BREAKER_OPEN' });
    });
    const { actor, breaker } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    expect(actor.getSnapshot().context.stats.errors).toBe(0);
    expect(poll.calls).toHaveLength(1);
    // With the breaker really open, the connector stays degraded and does not poll until the probe is due.
    for (let i = 0; i < 3; i++) breaker().send({ type: 'FAILURE', at: Date.now() });
    expect(actor.getSnapshot().value).toBe('degraded');
    await vi.advanceTimersByTimeAsync(baseInput.breaker.timeoutMs - 1);
    expect(poll.calls).toHaveLength(1);
  });

  it('returns to idle from degraded on BREAKER_CLOSED (operator RESET of the breaker)', async () => {
    const poll = fakePoll();
    const { actor, breaker } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    for (let i = 0; i < 3; i++) breaker().send({ type: 'FAILURE', at: Date.now() });
    expect(actor.getSnapshot().value).toBe('degraded');
    breaker().send({ type: 'RESET' });
    expect(actor.getSnapshot().value).toBe('idle');
  });

  // Regression guard (fixed bug): the root-level `BREAKER_OPENED: '.degraded'` also fires in `stopped`. A poll in flight at STOP
  // keeps running (only the invoke is dropped); its late outage failure opens the breaker, and the stopped connector
  // wakes up as `degraded`, then polls again on BREAKER_HALF_OPEN.
  it('stays stopped (and never polls again) when a poll in flight at STOP fails late and opens the breaker', async () => {
    let failInFlightCall!: (error: Error) => void;
    const poll = pollThroughBreaker(() => new Promise<PollOutcome>((_resolve, reject) => (failInFlightCall = reject)));
    const { actor, breaker, errors } = start(connectorMachine.provide({ actors: { poll: poll.logic } }), {
      breaker: { enabled: true, failureThreshold: 1, timeoutMs: 30_000 },
    });
    actor.send({ type: 'START' });
    await settle();
    expect(actor.getSnapshot().value).toBe('polling');
    actor.send({ type: 'STOP' });
    failInFlightCall(new Error('ECONNRESET'));
    await settle();
    expect(breaker().getSnapshot().value).toBe('open');
    expect(actor.getSnapshot().value).toBe('stopped');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(poll.calls).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  // Regression guard (fixed bug): `degraded` handles BREAKER_HALF_OPEN by polling without checking `queuePaused`, so a connector
  // whose breaker opened while the queue was under backpressure polls during backpressure.
  it('does not probe while the queue is under backpressure, and probes once backpressure lifts', async () => {
    const poll = fakePoll();
    const { actor, breaker } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'BACKPRESSURE_ON' });
    expect(actor.getSnapshot().value).toBe('paused');
    // Late outage failures of calls that were in flight when backpressure came on.
    for (let i = 0; i < 3; i++) breaker().send({ type: 'FAILURE', at: Date.now() });
    await vi.advanceTimersByTimeAsync(30_000); // breaker half-open
    expect(poll.calls).toHaveLength(1);
    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls).toHaveLength(2);
  });
});

describe('connector machine: backpressure and webhooks', () => {
  it('pauses on BACKPRESSURE_ON (no polls), and on BACKPRESSURE_OFF returns to idle and polls at once', async () => {
    const poll = fakePoll();
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    await vi.advanceTimersByTimeAsync(5_000);
    actor.send({ type: 'BACKPRESSURE_ON' });
    expect(actor.getSnapshot().value).toBe('paused');
    await vi.advanceTimersByTimeAsync(5 * baseInput.pollIntervalMs);
    expect(poll.calls).toHaveLength(1);
    actor.send({ type: 'POLL_NOW' });
    await settle();
    expect(poll.calls).toHaveLength(1);

    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls.map((c) => c.at)).toEqual([0, 305_000]);
    expect(actor.getSnapshot().value).toBe('idle');
  });

  it('goes straight to paused on START when backpressure was announced while stopped', async () => {
    const poll = fakePoll();
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'BACKPRESSURE_ON' });
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toBe('paused');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(poll.calls).toHaveLength(0);
    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls).toHaveLength(1);
  });

  it('abandons a poll in flight on BACKPRESSURE_ON and polls again when backpressure lifts', async () => {
    let release!: () => void;
    const poll = fakePoll(async (_input, call) => {
      if (call === 1) await new Promise<void>((resolve) => (release = resolve));
      return okOutcome();
    });
    const { actor, errors } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    actor.send({ type: 'BACKPRESSURE_ON' });
    expect(actor.getSnapshot().value).toBe('paused');
    release();
    await settle();
    expect(actor.getSnapshot().value).toBe('paused');
    expect(actor.getSnapshot().context.stats.last_sync).toBeNull();
    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('pauses from retrying on BACKPRESSURE_ON without firing the pending retry', async () => {
    const poll = fakePoll(async () => {
      throw new Error('HTTP 502');
    });
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    expect(actor.getSnapshot().value).toBe('retrying');
    actor.send({ type: 'BACKPRESSURE_ON' });
    expect(actor.getSnapshot().value).toBe('paused');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(poll.calls).toHaveLength(1);
  });

  it('polls after the debounce on a webhook while idle, one poll for the whole burst', async () => {
    const poll = fakePoll();
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    await vi.advanceTimersByTimeAsync(2_000);
    actor.send({ type: 'WEBHOOK', ...webhook('d-1') });
    await settle();
    expect(actor.getSnapshot().value).toBe('debouncing');
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'WEBHOOK', ...webhook('d-2') });
    await vi.advanceTimersByTimeAsync(baseInput.webhookDebounceMs - 100);
    expect(poll.calls.map((c) => c.at)).toEqual([0, 2_000 + baseInput.webhookDebounceMs]);
    expect(poll.calls[1].input.webhooks).toEqual([webhook('d-1'), webhook('d-2')]);
    expect(actor.getSnapshot().context.pendingWebhooks).toEqual([]);
    expect(actor.getSnapshot().context.stats.webhooks_buffered).toBe(0);
    expect(actor.getSnapshot().context.stats.webhooks_received).toBe(2);
  });

  it('buffers webhooks while paused and hands them to the next poll, in order', async () => {
    const poll = fakePoll();
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'BACKPRESSURE_ON' });
    actor.send({ type: 'WEBHOOK', ...webhook('d-1') });
    actor.send({ type: 'WEBHOOK', ...webhook('d-2') });
    await settle();
    expect(poll.calls).toHaveLength(1);
    expect(actor.getSnapshot().context.stats.webhooks_buffered).toBe(2);

    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls).toHaveLength(2);
    expect(poll.calls[1].input.webhooks).toEqual([webhook('d-1'), webhook('d-2')]);
    expect(actor.getSnapshot().context.stats.webhooks_buffered).toBe(0);
  });

  it('buffers webhooks while degraded and hands them to the probe poll', async () => {
    const poll = fakePoll();
    const { actor, breaker } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    for (let i = 0; i < 3; i++) breaker().send({ type: 'FAILURE', at: Date.now() });
    expect(actor.getSnapshot().value).toBe('degraded');
    actor.send({ type: 'WEBHOOK', ...webhook('d-1') });
    await settle();
    expect(poll.calls).toHaveLength(1);
    expect(actor.getSnapshot().context.stats.webhooks_buffered).toBe(1);

    await vi.advanceTimersByTimeAsync(30_000);
    expect(poll.calls).toHaveLength(2);
    expect(poll.calls[1].input.webhooks).toEqual([webhook('d-1')]);
  });

  it('keeps webhooks that arrive during a poll for the next poll', async () => {
    let release!: () => void;
    const poll = fakePoll(async (_input, call) => {
      if (call === 2) await new Promise<void>((resolve) => (release = resolve));
      return okOutcome();
    });
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'WEBHOOK', ...webhook('d-1') });
    await vi.advanceTimersByTimeAsync(baseInput.webhookDebounceMs);
    expect(actor.getSnapshot().value).toBe('polling');
    actor.send({ type: 'WEBHOOK', ...webhook('d-2') });
    release();
    await vi.advanceTimersByTimeAsync(baseInput.webhookDebounceMs);
    expect(poll.calls).toHaveLength(3);
    expect(poll.calls[1].input.webhooks).toEqual([webhook('d-1')]);
    expect(poll.calls[2].input.webhooks).toEqual([webhook('d-2')]);
  });

  it('coalesces webhooks with the same key: the newer replaces the waiting one, and the count says so', async () => {
    const { actor, poll } = await startPaused();
    actor.send({ type: 'WEBHOOK', ...keyed('d-1', 'push') });
    actor.send({ type: 'WEBHOOK', ...keyed('d-2', 'push:forced') });
    actor.send({ type: 'WEBHOOK', ...webhook('d-3') });
    actor.send({ type: 'WEBHOOK', ...keyed('d-4', 'push') });
    const { context } = actor.getSnapshot();
    expect(context.pendingWebhooks).toEqual([keyed('d-2', 'push:forced'), webhook('d-3'), keyed('d-4', 'push')]);
    expect(context.stats).toMatchObject({ webhooks_received: 4, webhooks_coalesced: 1, webhooks_buffered: 3 });

    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls[1].input.webhooks.map((w) => w.deliveryId)).toEqual(['d-2', 'd-3', 'd-4']);
  });

  it('never replaces a webhook the running poll already took; a full buffer still takes one it can coalesce', async () => {
    let release!: () => void;
    const poll = fakePoll(async (_input, call) => {
      if (call === 2) await new Promise<void>((resolve) => (release = resolve));
      return okOutcome();
    });
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }), { maxBufferedWebhooks: 2 });
    actor.send({ type: 'START' });
    await settle();
    const push = (id: string) => keyed(id, 'push');
    actor.send({ type: 'WEBHOOK', ...push('d-1') });
    await vi.advanceTimersByTimeAsync(baseInput.webhookDebounceMs);
    expect(actor.getSnapshot().value).toBe('polling');
    // d-1 is in the running poll's hands: d-2 takes a new place, d-3 then replaces d-2, even with the buffer full.
    actor.send({ type: 'WEBHOOK', ...push('d-2') });
    expect(actor.getSnapshot().can({ type: 'WEBHOOK', ...webhook('d-x') })).toBe(false);
    expect(actor.getSnapshot().can({ type: 'WEBHOOK', ...push('d-3') })).toBe(true);
    actor.send({ type: 'WEBHOOK', ...push('d-3') });
    expect(actor.getSnapshot().context.pendingWebhooks.map((w) => w.deliveryId)).toEqual(['d-1', 'd-3']);
    release();
    await vi.advanceTimersByTimeAsync(baseInput.webhookDebounceMs);
    expect(poll.calls.map((c) => c.input.webhooks.map((w) => w.deliveryId))).toEqual([[], ['d-1'], ['d-3']]);
    expect(actor.getSnapshot().context.pendingWebhooks).toEqual([]);
  });

  it('keeps every delivery of a WEBHOOKS batch, coalescing within it, even past maxBufferedWebhooks', async () => {
    const { actor, poll } = await startPaused({ maxBufferedWebhooks: 2 });
    // The actor layer checked the room when it answered each delivery; a batch it hands over is never cut.
    actor.send({ type: 'WEBHOOKS', deliveries: [keyed('d-1', 'push'), webhook('d-2'), keyed('d-3', 'push'), webhook('d-4')] });
    const { context } = actor.getSnapshot();
    expect(context.pendingWebhooks.map((w) => w.deliveryId)).toEqual(['d-2', 'd-3', 'd-4']);
    expect(context.stats).toMatchObject({ webhooks_received: 4, webhooks_coalesced: 1, webhooks_buffered: 3 });
    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls[1].input.webhooks.map((w) => w.deliveryId)).toEqual(['d-2', 'd-3', 'd-4']);
  });

  it('refuses webhooks once maxBufferedWebhooks are buffered: can(WEBHOOK) is false and a sent one is dropped', async () => {
    const poll = fakePoll();
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'BACKPRESSURE_ON' });
    for (const id of ['d-1', 'd-2']) actor.send({ type: 'WEBHOOK', ...webhook(id) });
    expect(actor.getSnapshot().can({ type: 'WEBHOOK', ...webhook('d-3') })).toBe(true);
    actor.send({ type: 'WEBHOOK', ...webhook('d-3') });
    expect(actor.getSnapshot().can({ type: 'WEBHOOK', ...webhook('d-4') })).toBe(false);
    actor.send({ type: 'WEBHOOK', ...webhook('d-4') });
    expect(actor.getSnapshot().context.pendingWebhooks.map((w) => w.deliveryId)).toEqual(['d-1', 'd-2', 'd-3']);
    expect(actor.getSnapshot().context.stats.webhooks_buffered).toBe(3);

    actor.send({ type: 'BACKPRESSURE_OFF' });
    await settle();
    expect(poll.calls[1].input.webhooks.map((w) => w.deliveryId)).toEqual(['d-1', 'd-2', 'd-3']);
    expect(actor.getSnapshot().can({ type: 'WEBHOOK', ...webhook('d-4') })).toBe(true);
  });

  it('keeps buffered webhooks across a failed poll and hands them to the retry', async () => {
    const poll = fakePoll(async (_input, call) => {
      if (call === 2) throw new Error('HTTP 502');
      return okOutcome();
    });
    const { actor } = start(connectorMachine.provide({ actors: { poll: poll.logic } }));
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'WEBHOOK', ...webhook('d-1') });
    await vi.advanceTimersByTimeAsync(baseInput.webhookDebounceMs);
    expect(actor.getSnapshot().value).toBe('retrying');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(poll.calls[2].input.webhooks).toEqual([webhook('d-1')]);
    expect(actor.getSnapshot().context.pendingWebhooks).toEqual([]);
  });
});
