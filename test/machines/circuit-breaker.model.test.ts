import { describe, expect, it } from 'vitest';
import { __unsafe_getAllOwnEventDescriptors, type ActorLogic, type ActorRefFrom, createActor, SimulatedClock, type SnapshotFrom, type StateValue } from 'xstate';
import { type AdjacencyValue, getStateNodes, type StatePath, type TestParam, TestModel } from 'xstate/graph';
import { type CircuitBreakerEvent, type CircuitBreakerInput, type CircuitBreakerNotice, circuitBreakerMachine } from '../../src/machines/circuit-breaker.machine.ts';

type BreakerSnapshot = SnapshotFrom<typeof circuitBreakerMachine>;
type BreakerActor = ActorRefFrom<typeof circuitBreakerMachine>;
type Adjacency = AdjacencyValue<BreakerSnapshot, CircuitBreakerEvent>;

// TestModel's `ActorLogic<TSnapshot, TEvent, TInput>` leaves the emitted-event parameter at `EventObject`, which a
// machine with typed `emitted` events (BREAKER_OPENED, ...) is not assignable to; the logic itself is unchanged.
const breakerLogic = circuitBreakerMachine as unknown as ActorLogic<BreakerSnapshot, CircuitBreakerEvent, CircuitBreakerInput>;

/** The delayed event `after: { openTimeout }` in `open` raises (xstate.after.<delay>.<state node id>). */
const AFTER_OPEN_TIMEOUT = 'xstate.after.openTimeout.circuitBreaker.open';

/** Dotted paths of the leaf states a state value is in: `{ half_open: 'probing' }` → `['half_open.probing']`. */
function leafPaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  return Object.entries(value).flatMap(([key, child]) => (child === undefined ? [prefix + key] : leafPaths(child, `${prefix}${key}.`)));
}

function startBreaker(input: CircuitBreakerInput, clock: SimulatedClock) {
  const actor = createActor(circuitBreakerMachine, { input, clock });
  const errors: unknown[] = [];
  actor.subscribe({ error: (error) => errors.push(error) });
  const notices: CircuitBreakerNotice['type'][] = [];
  actor.on('*', (notice) => notices.push(notice.type));
  actor.start();
  return { actor, errors, notices };
}

// ---------------------------------------------------------------------------------------------------------------------
// Model-based: paths generated from the statechart itself, replayed against a real actor on a simulated clock.
// ---------------------------------------------------------------------------------------------------------------------

describe('circuit breaker (model-based, xstate/graph)', () => {
  const input: CircuitBreakerInput = { enabled: true, failureThreshold: 3, timeoutMs: 1_000 };

  // Past the threshold, failureCount only grows (each failed probe adds one) without changing behaviour: capping it
  // keeps the state space finite. Value + capped failureCount, nothing else (calls/failures/rejections are unbounded).
  const abstractState = (s: BreakerSnapshot) => JSON.stringify([s.value, Math.min(s.context.failureCount, input.failureThreshold)]);

  // `new TestModel` rather than `createTestModel`: the latter refuses machines that use `after`.
  const model = new TestModel(breakerLogic, {
    input,
    serializeState: abstractState,
    // Every event the current state handles, with the payload it needs; the after event is one of these descriptors.
    events: (s) =>
      __unsafe_getAllOwnEventDescriptors(s).map((type) => {
        switch (type) {
          case 'FAILURE':
            return { type, at: 0, error: 'ECONNREFUSED' };
          case 'CALL':
          case 'SUCCESS':
          case 'REJECTED':
            return { type, at: 0 };
          default:
            // RESET and the after event carry no payload.
            return { type };
        }
      }) as CircuitBreakerEvent[],
    stateMatcher: (s, key) => s.matches(key as never),
  });

  /** A fresh actor plus the executors and per-state checks `path.test` needs. */
  function harness() {
    const clock = new SimulatedClock();
    clock.set(1_000_000);
    const { actor, errors } = startBreaker(input, clock);
    // The model's events carry a dummy `at`; the SUT gets the simulated clock's now, as a real caller would give.
    const send = ({ event }: { event: { type: string } }) => actor.send({ ...(event as CircuitBreakerEvent), ...('at' in event ? { at: clock.now() } : {}) });
    const checkState = (expected: BreakerSnapshot) => {
      const actual = actor.getSnapshot();
      expect(actual.status).toBe('active');
      expect(actual.value).toEqual(expected.value);
      expect(Math.min(actual.context.failureCount, input.failureThreshold)).toBe(Math.min(expected.context.failureCount, input.failureThreshold));
      // `can(CALL)` is what callers look at: it must agree with the model state.
      expect(actual.can({ type: 'CALL', at: clock.now() })).toBe(expected.matches('closed') || expected.matches({ half_open: 'waiting_for_probe' }));
    };
    const params: TestParam<BreakerSnapshot, CircuitBreakerEvent> = {
      events: {
        CALL: send,
        SUCCESS: send,
        FAILURE: send,
        REJECTED: send,
        RESET: send,
        // The delayed transition is executed by advancing the simulated clock by exactly the open timeout.
        [AFTER_OPEN_TIMEOUT]: () => clock.increment(input.timeoutMs),
      } as TestParam<BreakerSnapshot, CircuitBreakerEvent>['events'],
      states: {
        closed: checkState,
        open: checkState,
        'half_open.waiting_for_probe': checkState,
        'half_open.probing': checkState,
      },
    };
    return { actor, errors, params };
  }

  const shortestPaths = model.getShortestPaths();

  // Transition coverage: shortest paths reach every state but not every edge (and simple paths never take an edge back
  // into the initial state, such as RESET or a successful probe). So: the shortest path to each state, plus each
  // transition the adjacency map lists from that state.
  const adjacency = model.getAdjacencyMap();
  const shortestTo = new Map<string, StatePath<BreakerSnapshot, CircuitBreakerEvent>>();
  for (const path of model.getShortestPaths({ allowDuplicatePaths: true })) shortestTo.set(abstractState(path.state), path);
  const edgePaths = (Object.entries(adjacency) as Array<[string, Adjacency]>).flatMap(([from, { transitions }]) =>
    (Object.values(transitions) as Array<{ event: CircuitBreakerEvent; state: BreakerSnapshot }>).map(({ event, state }) => {
      const head = shortestTo.get(from);
      if (!head) throw new Error(`no shortest path to ${from}`);
      const path: StatePath<BreakerSnapshot, CircuitBreakerEvent> = { state, steps: [...head.steps, { event, state }], weight: head.weight + 1 };
      const description = `takes ${event.type} from ${from} to ${abstractState(state)} (via ${head.steps.map((s) => s.event.type).join(' → ')})`;
      return { from, event, path, description };
    }),
  );

  describe('reaches every state (shortest paths)', () => {
    for (const path of shortestPaths) {
      it(path.description, async () => {
        const { errors, params } = harness();
        await path.test(params);
        expect(errors).toEqual([]);
      });
    }
  });

  describe('takes every transition (shortest path to the source, then the transition)', () => {
    for (const { path, description } of edgePaths) {
      it(description, async () => {
        const { errors, params } = harness();
        await model.testPath(path, params);
        expect(errors).toEqual([]);
      });
    }
  });

  it('the generated paths cover every leaf state and every event type, the after event included', () => {
    const leafStates = getStateNodes(circuitBreakerMachine.root)
      .filter((node) => node.type === 'atomic')
      .map((node) => node.path.join('.'));
    expect(new Set(leafStates)).toEqual(new Set(['closed', 'open', 'half_open.waiting_for_probe', 'half_open.probing']));

    const allSteps = [...shortestPaths, ...edgePaths.map((e) => e.path)].flatMap((p) => p.steps);
    const coveredStates = new Set(allSteps.flatMap((step) => leafPaths(step.state.value)));
    expect(coveredStates).toEqual(new Set(leafStates));

    const coveredEvents = new Set<string>(allSteps.map((step) => step.event.type));
    for (const type of ['CALL', 'SUCCESS', 'FAILURE', 'RESET', 'REJECTED', AFTER_OPEN_TIMEOUT]) expect(coveredEvents).toContain(type);

    // Every edge of the (finite) abstract graph has its own replayed path.
    const edgeCount = (Object.values(adjacency) as Adjacency[]).reduce((n, v) => n + Object.keys(v.transitions).length, 0);
    expect(edgePaths).toHaveLength(edgeCount);
    // closed(0..2), open, half_open × 2: the abstraction is as small as intended.
    expect(Object.keys(adjacency).sort()).toEqual(
      [
        '["closed",0]',
        '["closed",1]',
        '["closed",2]',
        '["open",3]',
        '[{"half_open":"waiting_for_probe"},3]',
        '[{"half_open":"probing"},3]',
      ].sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Hand-written path: the runbook's numbers (5 failures, 30 s) and the counters.
// ---------------------------------------------------------------------------------------------------------------------

describe('circuit breaker (hand-written path with stats)', () => {
  const T0 = 1_700_000_000_000;
  const input: CircuitBreakerInput = { enabled: true, failureThreshold: 5, timeoutMs: 30_000 };

  function setup(overrides: Partial<CircuitBreakerInput> = {}) {
    const clock = new SimulatedClock();
    clock.set(T0);
    const started = startBreaker({ ...input, ...overrides }, clock);
    return { ...started, clock };
  }

  /** What `callThroughBreaker` does for a call that fails with an outage. */
  function failingCall(actor: BreakerActor, clock: SimulatedClock) {
    const at = clock.now();
    if (!actor.getSnapshot().can({ type: 'CALL', at })) {
      actor.send({ type: 'REJECTED', at });
      return 'rejected';
    }
    actor.send({ type: 'CALL', at });
    actor.send({ type: 'FAILURE', at, error: 'ECONNREFUSED' });
    return 'failed';
  }

  function tripOpen(actor: BreakerActor, clock: SimulatedClock) {
    for (let i = 0; i < 5; i++) {
      clock.increment(10);
      failingCall(actor, clock);
    }
  }

  it('stays closed after 4 consecutive failures and opens on the 5th, recording calls, failures and openedAt', () => {
    const { actor, clock, notices, errors } = setup();
    for (let i = 0; i < 4; i++) {
      clock.increment(10);
      failingCall(actor, clock);
    }
    expect(actor.getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().context).toMatchObject({ failureCount: 4, calls: 4, failures: 4, openedAt: null });

    clock.increment(10);
    failingCall(actor, clock);
    const { value, context } = actor.getSnapshot();
    expect(value).toBe('open');
    expect(context).toMatchObject({ failureCount: 5, calls: 5, failures: 5, rejections: 0, openedAt: T0 + 50, lastFailureTime: T0 + 50 });
    expect(notices).toEqual(['BREAKER_OPENED']);
    expect(errors).toEqual([]);
  });

  it('a success resets the consecutive count, so 4 + success + 4 failures stays closed', () => {
    const { actor, clock } = setup();
    for (let i = 0; i < 4; i++) failingCall(actor, clock);
    actor.send({ type: 'CALL', at: clock.now() });
    actor.send({ type: 'SUCCESS', at: clock.now() });
    for (let i = 0; i < 4; i++) failingCall(actor, clock);
    expect(actor.getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().context).toMatchObject({ failureCount: 4, calls: 9, failures: 8 });
  });

  it('refuses calls while open: can(CALL) is false and each refusal is counted as a rejection, not a call', () => {
    const { actor, clock } = setup();
    tripOpen(actor, clock);
    expect(actor.getSnapshot().can({ type: 'CALL', at: clock.now() })).toBe(false);
    expect(failingCall(actor, clock)).toBe('rejected');
    expect(failingCall(actor, clock)).toBe('rejected');
    expect(actor.getSnapshot().value).toBe('open');
    expect(actor.getSnapshot().context).toMatchObject({ calls: 5, failures: 5, rejections: 2 });
  });

  it('counts a late failure while open without moving the open timer or openedAt', () => {
    const { actor, clock } = setup();
    tripOpen(actor, clock);
    const openedAt = actor.getSnapshot().context.openedAt;
    clock.increment(20_000);
    actor.send({ type: 'FAILURE', at: clock.now(), error: 'late' });
    expect(actor.getSnapshot().context).toMatchObject({ failures: 6, failureCount: 5, openedAt });
    clock.increment(10_000);
    expect(actor.getSnapshot().value).toEqual({ half_open: 'waiting_for_probe' });
  });

  it('moves to half_open exactly timeoutMs after opening, not a millisecond earlier', () => {
    const { actor, clock, notices } = setup();
    tripOpen(actor, clock);
    clock.increment(29_999);
    expect(actor.getSnapshot().value).toBe('open');
    clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ half_open: 'waiting_for_probe' });
    expect(actor.getSnapshot().can({ type: 'CALL', at: clock.now() })).toBe(true);
    expect(notices).toEqual(['BREAKER_OPENED', 'BREAKER_HALF_OPEN']);
  });

  it('allows only one probe while half_open: a second CALL is refused while the probe is in flight', () => {
    const { actor, clock } = setup();
    tripOpen(actor, clock);
    clock.increment(30_000);
    actor.send({ type: 'CALL', at: clock.now() });
    expect(actor.getSnapshot().value).toEqual({ half_open: 'probing' });
    expect(actor.getSnapshot().can({ type: 'CALL', at: clock.now() })).toBe(false);
    // A second CALL sent anyway is ignored: it neither counts nor moves the state.
    actor.send({ type: 'CALL', at: clock.now() });
    actor.send({ type: 'REJECTED', at: clock.now() });
    expect(actor.getSnapshot().value).toEqual({ half_open: 'probing' });
    expect(actor.getSnapshot().context).toMatchObject({ calls: 6, rejections: 1 });
  });

  it('re-opens on a failed probe and restarts the open timer from the probe failure', () => {
    const { actor, clock, notices } = setup();
    tripOpen(actor, clock);
    clock.increment(30_000);
    clock.increment(500);
    const probeAt = clock.now();
    actor.send({ type: 'CALL', at: probeAt });
    clock.increment(250);
    actor.send({ type: 'FAILURE', at: clock.now(), error: 'still down' });
    const reopenedAt = clock.now();
    expect(actor.getSnapshot().value).toBe('open');
    expect(actor.getSnapshot().context).toMatchObject({ openedAt: reopenedAt, calls: 6, failures: 6, failureCount: 6 });
    expect(actor.getSnapshot().can({ type: 'CALL', at: clock.now() })).toBe(false);

    clock.increment(29_999);
    expect(actor.getSnapshot().value).toBe('open');
    clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ half_open: 'waiting_for_probe' });
    expect(notices).toEqual(['BREAKER_OPENED', 'BREAKER_HALF_OPEN', 'BREAKER_OPENED', 'BREAKER_HALF_OPEN']);
  });

  it('closes on a successful probe, clearing failureCount and openedAt, and lets calls through again', () => {
    const { actor, clock, notices } = setup();
    tripOpen(actor, clock);
    clock.increment(30_000);
    actor.send({ type: 'CALL', at: clock.now() });
    actor.send({ type: 'SUCCESS', at: clock.now() });
    expect(actor.getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().context).toMatchObject({ failureCount: 0, openedAt: null, calls: 6, failures: 5 });
    expect(actor.getSnapshot().can({ type: 'CALL', at: clock.now() })).toBe(true);
    expect(notices).toEqual(['BREAKER_OPENED', 'BREAKER_HALF_OPEN', 'BREAKER_CLOSED']);
    // A fresh run of 4 failures does not re-open it: the count really started over.
    for (let i = 0; i < 4; i++) failingCall(actor, clock);
    expect(actor.getSnapshot().value).toBe('closed');
  });

  it('RESET closes from open and cancels the pending half-open timer', () => {
    const { actor, clock, notices } = setup();
    tripOpen(actor, clock);
    clock.increment(10_000);
    actor.send({ type: 'RESET' });
    expect(actor.getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().context).toMatchObject({ failureCount: 0, openedAt: null });
    expect(actor.getSnapshot().can({ type: 'CALL', at: clock.now() })).toBe(true);
    clock.increment(60_000);
    expect(actor.getSnapshot().value).toBe('closed');
    expect(notices).toEqual(['BREAKER_OPENED', 'BREAKER_CLOSED']);
  });

  it('RESET closes from half_open while a probe is in flight', () => {
    const { actor, clock } = setup();
    tripOpen(actor, clock);
    clock.increment(30_000);
    actor.send({ type: 'CALL', at: clock.now() });
    actor.send({ type: 'RESET' });
    expect(actor.getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().can({ type: 'CALL', at: clock.now() })).toBe(true);
  });

  it('never opens and always allows calls when enabled is false', () => {
    const { actor, clock, notices } = setup({ enabled: false });
    for (let i = 0; i < 50; i++) {
      clock.increment(100);
      expect(failingCall(actor, clock)).toBe('failed');
    }
    clock.increment(input.timeoutMs * 2);
    const { value, context } = actor.getSnapshot();
    expect(value).toBe('closed');
    expect(actor.getSnapshot().can({ type: 'CALL', at: clock.now() })).toBe(true);
    expect(context).toMatchObject({ calls: 50, failures: 50, rejections: 0, openedAt: null });
    expect(notices).toEqual([]);
  });
});
