import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import { type ConnectorManagerEvent, type ConnectorManagerInput, connectorManagerMachine } from '../../src/machines/connector-manager.machine.ts';
import { type ConnectorActor, type ConnectorInput, connectorMachine, type PollInput, type PollOutcome } from '../../src/machines/connector.machine.ts';
import { type BatchOutcome, type ClaimedBatch, type WorkerInput, workerMachine } from '../../src/machines/worker.machine.ts';
import type { QueueStats } from '../../src/model/queue-stats.ts';

const T0 = 1_700_000_000_000;

/** Delivery id that makes the fake connector logic throw inside its WEBHOOK guard: a crash, not a handled error. */
const POISON = 'poison';

const spec = (name: string): Omit<ConnectorInput, 'restarts'> => ({
  name,
  kind: 'local',
  pollIntervalMs: 60_000,
  maxRetries: 2,
  backoffBaseMs: 1_000,
  maxBufferedWebhooks: 10,
  webhookDebounceMs: 0,
  breaker: { enabled: true, failureThreshold: 5, timeoutMs: 30_000 },
});

const managerInput: ConnectorManagerInput = {
  connectors: [spec('github'), spec('notion')],
  workers: { batchSize: 10, claimWaitMs: 1_000, backoffBaseMs: 500, backoffMaxMs: 10_000 },
  workerCount: 1,
  backpressure: { onPct: 80, offPct: 50 },
  restartBaseMs: 2_000,
};

const stats = (usagePct: number): QueueStats => ({
  queue_name: 'ingest',
  size: usagePct * 100,
  max_size: 10_000,
  usage_pct: usagePct,
  backpressure: false,
});

/** Let promise actors settle without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

function harness(options: { input?: Partial<ConnectorManagerInput>; monitorThrowsOnStart?: number[]; pollError?: { current: Error | null } } = {}) {
  const monitor = { starts: 0, sendBack: (_event: ConnectorManagerEvent): void => {
    throw new Error('queue monitor not started');
  } };
  const queueMonitor = fromCallback(({ sendBack }) => {
    monitor.starts++;
    if (options.monitorThrowsOnStart?.includes(monitor.starts)) throw new Error('queue monitor lost its Redis connection');
    monitor.sendBack = sendBack;
    return () => {};
  });

  const polls: Record<string, number[]> = {};
  const poll = fromPromise<PollOutcome, PollInput>(async ({ input }) => {
    polls[input.name] = [...(polls[input.name] ?? []), Date.now() - T0];
    if (options.pollError?.current) throw options.pollError.current;
    return { received: 0, queued: 0, syncedAt: new Date(Date.now()).toISOString() };
  });
  const connector = connectorMachine.provide({
    actors: { poll },
    guards: {
      // The real guard, except that one delivery crashes the connector (an unhandled throw in its transition).
      hasBufferRoom: ({ context, event }) => {
        if (event.type === 'WEBHOOK' && event.deliveryId === POISON) throw new Error(`connector ${context.name} crashed`);
        return context.pendingWebhooks.length < context.maxBufferedWebhooks;
      },
    },
  });

  const claims: number[] = [];
  // An empty queue: each claim blocks for its wait, like the real blocking claim, then returns nothing.
  const claim = fromPromise<ClaimedBatch, { batchSize: number; waitMs: number }>(async ({ input }) => {
    claims.push(Date.now() - T0);
    await new Promise((resolve) => setTimeout(resolve, input.waitMs));
    return { size: 0, items: [] };
  });
  const processBatch = fromPromise<BatchOutcome, ClaimedBatch>(async ({ input }) => ({ processed: input.size, retried: 0, deadLettered: 0 }));
  const worker = workerMachine.provide({ actors: { claim, processBatch } });

  const machine = connectorManagerMachine.provide({ actors: { connector, worker, queueMonitor } });
  const actor = createActor(machine, { input: { ...managerInput, ...options.input } });
  const errors: unknown[] = [];
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();

  const connectorRef = (name: string) => actor.system.get(`connector:${name}`) as ConnectorActor | undefined;
  const connectorState = (name: string) => connectorRef(name)?.getSnapshot().value;
  return { actor, errors, monitor, polls, claims, connectorRef, connectorState };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('connector manager: children', () => {
  it('spawns one connector per spec, reachable as connector:<name>, stopped until START_POLLING', async () => {
    const { actor, errors, monitor, polls, connectorRef, connectorState } = harness();
    for (const name of ['github', 'notion']) {
      expect(connectorRef(name)).toBeDefined();
      expect(connectorRef(name)).toBe(actor.getSnapshot().children[name]);
      expect(connectorRef(name)?.getSnapshot().context.stats.restarts).toBe(0);
      expect(connectorState(name)).toBe('stopped');
    }
    expect(actor.system.get('worker:worker-0')).toBeDefined();
    expect(monitor.starts).toBe(1);
    expect(actor.getSnapshot().value).toEqual({ queue: 'unknown' });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(polls).toEqual({});
    expect(errors).toEqual([]);
  });

  it('starts every connector on START_POLLING and stops them on STOP', async () => {
    const { actor, polls, connectorState } = harness();
    const worker = actor.system.get('worker:worker-0');
    actor.send({ type: 'START_POLLING' });
    await settle();
    expect(polls).toEqual({ github: [0], notion: [0] });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(polls).toEqual({ github: [0, 60_000], notion: [0, 60_000] });
    actor.send({ type: 'STOP' });
    expect(connectorState('github')).toBe('stopped');
    expect(connectorState('notion')).toBe('stopped');
    // Workers get STOP too; an idle worker stops at once (and leaves the system).
    expect(worker?.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().status).toBe('active');
  });

  it('spawns and starts a connector registered at run time', async () => {
    const { actor, polls, connectorState } = harness();
    actor.send({ type: 'START_POLLING' });
    actor.send({ type: 'REGISTER', connector: spec('confluence') });
    await settle();
    expect(connectorState('confluence')).toBe('idle');
    expect(polls.confluence).toEqual([0]);
  });

  // Regression guard (fixed bug): REGISTER replaces the spec in context but spawns a second child with the same id and systemId;
  // the system throws "Actor with system ID 'connector:github' already exists." and the whole supervisor errors.
  it('replaces a connector re-registered under an existing name without crashing the supervisor', async () => {
    const { actor, errors, connectorRef } = harness();
    actor.send({ type: 'REGISTER', connector: { ...spec('github'), pollIntervalMs: 5_000 } });
    expect(errors).toEqual([]);
    expect(actor.getSnapshot().status).toBe('active');
    expect(connectorRef('github')?.getSnapshot().context.pollIntervalMs).toBe(5_000);
    expect(connectorRef('notion')).toBeDefined();
  });
});

describe('connector manager: backpressure', () => {
  it('pauses every connector over the high mark, keeps them paused between the marks, and resumes them under the low mark', async () => {
    const { actor, errors, monitor, polls, connectorState } = harness();
    actor.send({ type: 'START_POLLING' });
    await settle();

    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(30) });
    expect(actor.getSnapshot().value).toEqual({ queue: 'flowing' });

    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(80) });
    expect(actor.getSnapshot().value).toEqual({ queue: 'backpressure' });
    expect(connectorState('github')).toBe('paused');
    expect(connectorState('notion')).toBe('paused');
    expect(actor.getSnapshot().context.queueStats?.usage_pct).toBe(80);

    // Between the marks (50 ≤ usage < 80): hysteresis keeps the latch on.
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(65) });
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(50) });
    expect(actor.getSnapshot().value).toEqual({ queue: 'backpressure' });
    await vi.advanceTimersByTimeAsync(180_000);
    expect(connectorState('github')).toBe('paused');
    expect(polls).toEqual({ github: [0], notion: [0] });

    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(49.99) });
    expect(actor.getSnapshot().value).toEqual({ queue: 'flowing' });
    await settle();
    expect(polls).toEqual({ github: [0, 180_000], notion: [0, 180_000] });
    expect(connectorState('github')).toBe('idle');

    // Between the marks on the way up: the latch stays off.
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(79) });
    expect(actor.getSnapshot().value).toEqual({ queue: 'flowing' });
    expect(connectorState('notion')).toBe('idle');
    expect(errors).toEqual([]);
  });

  it('goes straight to backpressure when the first stats are over the high mark', () => {
    const { actor, monitor, connectorState } = harness();
    actor.send({ type: 'START_POLLING' });
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(95) });
    expect(actor.getSnapshot().value).toEqual({ queue: 'backpressure' });
    expect(connectorState('github')).toBe('paused');
  });

  it('marks the queue unreachable on QUEUE_UNREACHABLE, recording the error, and leaves it on the next stats', () => {
    const { actor, monitor } = harness();
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(10) });
    monitor.sendBack({ type: 'QUEUE_UNREACHABLE', error: 'ECONNREFUSED 127.0.0.1:6379' });
    expect(actor.getSnapshot().value).toEqual({ queue: 'unreachable' });
    expect(actor.getSnapshot().context.queueError).toBe('ECONNREFUSED 127.0.0.1:6379');
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(10) });
    expect(actor.getSnapshot().value).toEqual({ queue: 'flowing' });
    expect(actor.getSnapshot().context.queueError).toBeNull();
  });
});

describe('connector manager: queue errors and reading times', () => {
  it('tells a queue that answers with an error from an unreachable one, resuming polling as for an outage', async () => {
    const { actor, monitor, connectorState } = harness();
    actor.send({ type: 'START_POLLING' });
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(95), at: T0 });
    expect(connectorState('github')).toBe('paused');
    monitor.sendBack({ type: 'QUEUE_ERROR', error: 'WRONGTYPE Operation against a key holding the wrong kind of value', at: T0 + 1000 });
    expect(actor.getSnapshot().value).toEqual({ queue: 'error' });
    expect(actor.getSnapshot().context).toMatchObject({ queueError: 'WRONGTYPE Operation against a key holding the wrong kind of value', queueCheckedAt: T0 + 1000 });
    expect(connectorState('github')).not.toBe('paused');
    monitor.sendBack({ type: 'QUEUE_UNREACHABLE', error: 'Command timed out', at: T0 + 2000 });
    expect(actor.getSnapshot().value).toEqual({ queue: 'unreachable' });
    monitor.sendBack({ type: 'QUEUE_UNREACHABLE', error: 'connect ECONNREFUSED 127.0.0.1:6379', at: T0 + 3000 });
    expect(actor.getSnapshot().context).toMatchObject({ queueError: 'connect ECONNREFUSED 127.0.0.1:6379', queueCheckedAt: T0 + 3000 });
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(10), at: T0 + 4000 });
    expect(actor.getSnapshot().value).toEqual({ queue: 'flowing' });
    expect(actor.getSnapshot().context).toMatchObject({ queueError: null, queueCheckedAt: T0 + 4000 });
  });
});

describe('connector manager: queue back after an outage', () => {
  it('tells connectors waiting for the queue to poll at once when the queue answers again', async () => {
    const queueDown = Object.assign(new Error('ingestion queue is unreachable: Connection is closed'), { code: 'QUEUE_UNAVAILABLE' });
    const pollError: { current: Error | null } = { current: queueDown };
    const { actor, monitor, polls, connectorState } = harness({ pollError });
    monitor.sendBack({ type: 'QUEUE_UNREACHABLE', error: 'Connection is closed' });
    actor.send({ type: 'START_POLLING' });
    await settle();
    expect(connectorState('github')).toBe('waiting_for_queue');
    expect(polls.github).toEqual([0]);

    await vi.advanceTimersByTimeAsync(200);
    pollError.current = null;
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(10) });
    await settle();
    expect(polls).toEqual({ github: [0, 200], notion: [0, 200] });
    expect(connectorState('github')).toBe('idle');
  });
});

describe('connector manager: supervision', () => {
  it('restarts a crashed connector after the restart delay, counting the restart, while the others keep polling', async () => {
    const { actor, errors, polls, connectorRef, connectorState } = harness();
    actor.send({ type: 'START_POLLING' });
    await settle();
    const crashed = connectorRef('notion');

    connectorRef('notion')?.send({ type: 'WEBHOOK', deliveryId: POISON, event: 'page.updated', payload: {} });
    expect(crashed?.getSnapshot().status).toBe('error');
    expect(actor.getSnapshot().status).toBe('active');
    expect(actor.getSnapshot().context.restarts).toEqual({ notion: 1 });
    expect(connectorRef('notion')).toBeUndefined();

    await vi.advanceTimersByTimeAsync(1_999);
    expect(connectorRef('notion')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const respawned = connectorRef('notion');
    expect(respawned).toBeDefined();
    expect(respawned).not.toBe(crashed);
    expect(respawned?.getSnapshot().context.stats.restarts).toBe(1);
    expect(respawned?.getSnapshot().context.restarts).toBe(1);
    // Started again, because the supervisor is polling: it polls at once.
    expect(polls.notion).toEqual([0, 2_000]);
    expect(connectorState('notion')).toBe('idle');
    // Its breaker came back with it.
    expect(actor.system.get('breaker:notion')).toBeDefined();

    // The other connector never noticed.
    await vi.advanceTimersByTimeAsync(58_000);
    expect(polls.github).toEqual([0, 60_000]);
    expect(connectorState('github')).toBe('idle');
    expect(errors).toEqual([]);
  });

  it('waits twice as long before the second restart of the same connector, and counts both', async () => {
    const { actor, connectorRef } = harness();
    const crash = () => connectorRef('github')?.send({ type: 'WEBHOOK', deliveryId: POISON, event: 'push', payload: {} });
    crash();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(connectorRef('github')?.getSnapshot().context.stats.restarts).toBe(1);
    crash();
    await vi.advanceTimersByTimeAsync(3_999);
    expect(connectorRef('github')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(connectorRef('github')?.getSnapshot().context.stats.restarts).toBe(2);
    expect(actor.getSnapshot().context.restarts).toEqual({ github: 2 });
    expect(actor.getSnapshot().status).toBe('active');
  });

  // Regression guard (fixed bug): `spawnConnector` only sends START; a connector respawned (or registered) while the queue region
  // is in `backpressure` is never told BACKPRESSURE_ON, so it polls under backpressure.
  it('keeps a connector respawned during backpressure paused', async () => {
    const { actor, monitor, polls, connectorRef, connectorState } = harness();
    actor.send({ type: 'START_POLLING' });
    await settle();
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(90) });
    connectorRef('notion')?.send({ type: 'WEBHOOK', deliveryId: POISON, event: 'page.updated', payload: {} });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(actor.getSnapshot().value).toEqual({ queue: 'backpressure' });
    expect(connectorRef('notion')).toBeDefined();
    expect(connectorState('notion')).toBe('paused');
    expect(polls.notion).toEqual([0]);
  });

  // Regression guard (fixed bug): the queue monitor's crash is caught by the `xstate.error.actor.*` handler, which schedules
  // RESPAWN for 'queue-monitor'; RESPAWN treats every non-worker id as a connector name, finds no such spec, and does
  // nothing. The supervisor never hears about the queue again.
  it('restarts a crashed queue monitor after the restart delay', async () => {
    const { actor, errors, monitor } = harness({ monitorThrowsOnStart: [1] });
    expect(monitor.starts).toBe(1);
    expect(actor.getSnapshot().status).toBe('active');
    expect(actor.getSnapshot().context.restarts).toEqual({ 'queue-monitor': 1 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(monitor.starts).toBe(2);
    monitor.sendBack({ type: 'QUEUE_STATS', stats: stats(90) });
    expect(actor.getSnapshot().value).toEqual({ queue: 'backpressure' });
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Worker machine
// ---------------------------------------------------------------------------------------------------------------------

const workerInput: WorkerInput = { id: 'worker-0', batchSize: 5, claimWaitMs: 1_000, backoffBaseMs: 500, backoffMaxMs: 1_500 };

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A worker whose claim answers from `batches` (then blocks on an empty queue) and whose batches are settled by the test. */
function workerHarness(batches: Array<ClaimedBatch | Error>) {
  const claims: Array<{ at: number; input: { batchSize: number; waitMs: number } }> = [];
  const claim = fromPromise<ClaimedBatch, { batchSize: number; waitMs: number }>(async ({ input }) => {
    claims.push({ at: Date.now() - T0, input });
    const next = batches.shift();
    if (next instanceof Error) throw next;
    if (next) return next;
    await new Promise((resolve) => setTimeout(resolve, input.waitMs));
    return { size: 0, items: [] };
  });
  const batchesSeen: ClaimedBatch[] = [];
  const pending: Array<Deferred<BatchOutcome>> = [];
  const processBatch = fromPromise<BatchOutcome, ClaimedBatch>(({ input }) => {
    batchesSeen.push(input);
    const d = deferred<BatchOutcome>();
    pending.push(d);
    return d.promise;
  });
  const actor = createActor(workerMachine.provide({ actors: { claim, processBatch } }), { input: workerInput });
  const errors: unknown[] = [];
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  return { actor, errors, claims, batchesSeen, pending };
}

const batch = (size: number): ClaimedBatch => ({ size, items: Array.from({ length: size }, (_, i) => `event-${i}`) });

describe('worker machine', () => {
  it('claims with its batch size and wait, drains a claimed batch, counts the outcome and claims again', async () => {
    const w = workerHarness([batch(3)]);
    expect(w.claims[0].input).toEqual({ batchSize: 5, waitMs: 1_000 });
    await settle();
    expect(w.actor.getSnapshot().value).toBe('draining');
    expect(w.batchesSeen).toEqual([batch(3)]);
    w.pending[0].resolve({ processed: 2, retried: 1, deadLettered: 0 });
    await settle();
    expect(w.actor.getSnapshot().value).toBe('idle');
    expect(w.actor.getSnapshot().context.stats).toMatchObject({ processed: 2, retried: 1, dead_lettered: 0, outages: 0 });
    expect(w.actor.getSnapshot().context.batch).toBeNull();
    expect(w.claims).toHaveLength(2);
    expect(w.errors).toEqual([]);
  });

  it('claims again after an empty claim without draining', async () => {
    const w = workerHarness([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(w.actor.getSnapshot().value).toBe('idle');
    expect(w.claims.map((c) => c.at)).toEqual([0, 1_000, 2_000, 3_000]);
    expect(w.batchesSeen).toEqual([]);
  });

  it('backs off when the batch fails with a store outage, keeps no batch, and claims again after the backoff', async () => {
    const w = workerHarness([batch(4)]);
    await settle();
    w.pending[0].reject(new Error('vector store unavailable'));
    await settle();
    expect(w.actor.getSnapshot().value).toBe('backing_off');
    expect(w.actor.getSnapshot().context.stats).toMatchObject({ processed: 0, outages: 1, last_error: 'vector store unavailable' });
    expect(w.actor.getSnapshot().context.batch).toBeNull();
    await vi.advanceTimersByTimeAsync(499);
    expect(w.actor.getSnapshot().value).toBe('backing_off');
    expect(w.claims).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.actor.getSnapshot().value).toBe('idle');
    expect(w.claims.map((c) => c.at)).toEqual([0, 500]);
  });

  it('doubles the backoff per consecutive outage up to backoffMaxMs, and resets it after a good batch', async () => {
    const outage = new Error('queue unreachable');
    const w = workerHarness([outage, outage, outage, outage, batch(1), outage]);
    await settle(); // outage 1 → 500
    await vi.advanceTimersByTimeAsync(500); // outage 2 → 1000
    await vi.advanceTimersByTimeAsync(1_000); // outage 3 → 1500 (capped from 2000)
    await vi.advanceTimersByTimeAsync(1_500); // outage 4 → 1500 (cap)
    await vi.advanceTimersByTimeAsync(1_500); // claims a batch
    expect(w.claims.map((c) => c.at)).toEqual([0, 500, 1_500, 3_000, 4_500]);
    expect(w.actor.getSnapshot().value).toBe('draining');
    w.pending[0].resolve({ processed: 1, retried: 0, deadLettered: 0 });
    await settle(); // outage again: back to 500
    expect(w.actor.getSnapshot().value).toBe('backing_off');
    await vi.advanceTimersByTimeAsync(500);
    expect(w.claims.map((c) => c.at)).toEqual([0, 500, 1_500, 3_000, 4_500, 4_500, 5_000]);
    expect(w.actor.getSnapshot().context.stats.outages).toBe(5);
  });

  it('finishes the batch in hand on STOP while draining, counts it, then stops', async () => {
    const w = workerHarness([batch(2), batch(9)]);
    await settle();
    w.actor.send({ type: 'STOP' });
    expect(w.actor.getSnapshot().value).toBe('draining');
    w.pending[0].resolve({ processed: 1, retried: 0, deadLettered: 1 });
    await settle();
    expect(w.actor.getSnapshot().value).toBe('stopped');
    expect(w.actor.getSnapshot().status).toBe('done');
    expect(w.actor.getSnapshot().context.stats).toMatchObject({ processed: 1, dead_lettered: 1 });
    expect(w.claims).toHaveLength(1);
    expect(w.errors).toEqual([]);
  });

  it('stops after a failed batch when STOP came while draining, instead of backing off', async () => {
    const w = workerHarness([batch(2)]);
    await settle();
    w.actor.send({ type: 'STOP' });
    w.pending[0].reject(new Error('graph store down'));
    await settle();
    expect(w.actor.getSnapshot().value).toBe('stopped');
    expect(w.actor.getSnapshot().context.stats.outages).toBe(1);
  });

  it('stops at once on STOP while idle or backing off', async () => {
    const idle = workerHarness([]);
    idle.actor.send({ type: 'STOP' });
    expect(idle.actor.getSnapshot().status).toBe('done');

    const backingOff = workerHarness([new Error('queue unreachable')]);
    await settle();
    expect(backingOff.actor.getSnapshot().value).toBe('backing_off');
    backingOff.actor.send({ type: 'STOP' });
    expect(backingOff.actor.getSnapshot().status).toBe('done');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(backingOff.claims).toHaveLength(1);
  });
});
