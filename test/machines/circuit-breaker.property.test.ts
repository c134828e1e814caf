import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ActorRefFrom, createActor, SimulatedClock } from 'xstate';
import { type CircuitBreakerInput, circuitBreakerMachine } from '../../src/machines/circuit-breaker.machine.ts';

type BreakerActor = ActorRefFrom<typeof circuitBreakerMachine>;

/** A step of a random run: a call that succeeds or fails after `durationMs`, time passing, or an operator RESET. */
type Command =
  | { kind: 'succeed'; durationMs: number }
  | { kind: 'fail'; durationMs: number }
  | { kind: 'advance'; ms: number }
  /** Jump to the open timeout's deadline, plus `offset` ms (-1, 0, +1), to hit the boundary: a no-op unless open. */
  | { kind: 'toDeadline'; offset: number }
  | { kind: 'reset' };

type Outcome = 'ok' | 'failed' | 'rejected';

// ---------------------------------------------------------------------------------------------------------------------
// Reference model: the breaker as the runbook describes it, with explicit time and no statechart.
// ---------------------------------------------------------------------------------------------------------------------

interface Reference {
  state: 'closed' | 'open' | 'waiting_for_probe' | 'probing';
  failureCount: number;
  calls: number;
  failures: number;
  rejections: number;
  openedAt: number | null;
}

const initialReference = (): Reference => ({ state: 'closed', failureCount: 0, calls: 0, failures: 0, rejections: 0, openedAt: null });

/** Time passes: an open breaker becomes half-open once `timeoutMs` have gone by since it opened. */
function referenceAdvance(ref: Reference, now: number, cfg: CircuitBreakerInput): void {
  if (ref.state === 'open' && ref.openedAt !== null && now - ref.openedAt >= cfg.timeoutMs) ref.state = 'waiting_for_probe';
}

/**
 * One call finishing at `end`: refused unless closed or waiting for its probe. No timer runs while closed or probing,
 * so the call's duration only moves the time the failure is recorded at.
 */
function referenceCall(ref: Reference, ok: boolean, end: number, cfg: CircuitBreakerInput): Outcome {
  if (ref.state !== 'closed' && ref.state !== 'waiting_for_probe') {
    ref.rejections++;
    return 'rejected';
  }
  ref.calls++;
  const wasProbe = ref.state === 'waiting_for_probe';
  if (ok) {
    Object.assign(ref, { state: 'closed', failureCount: 0 }, wasProbe ? { openedAt: null } : {});
    return 'ok';
  }
  ref.failureCount++;
  ref.failures++;
  if (wasProbe || (cfg.enabled && ref.failureCount >= cfg.failureThreshold)) Object.assign(ref, { state: 'open', openedAt: end });
  return 'failed';
}

function referenceReset(ref: Reference): void {
  Object.assign(ref, { state: 'closed', failureCount: 0, openedAt: null });
}

// ---------------------------------------------------------------------------------------------------------------------
// The real breaker, driven the way src/actors/breaker/call-through-breaker.ts drives it.
// ---------------------------------------------------------------------------------------------------------------------

function realCall(actor: BreakerActor, clock: SimulatedClock, ok: boolean, durationMs: number): Outcome {
  const at = clock.now();
  if (!actor.getSnapshot().can({ type: 'CALL', at })) {
    actor.send({ type: 'REJECTED', at });
    return 'rejected';
  }
  actor.send({ type: 'CALL', at });
  clock.increment(durationMs);
  if (ok) actor.send({ type: 'SUCCESS', at: clock.now() });
  else actor.send({ type: 'FAILURE', at: clock.now(), error: 'ECONNRESET' });
  return ok ? 'ok' : 'failed';
}

function observed(actor: BreakerActor, clock: SimulatedClock) {
  const snapshot = actor.getSnapshot();
  const { failureCount, calls, failures, rejections, openedAt } = snapshot.context;
  const state = snapshot.matches('closed')
    ? 'closed'
    : snapshot.matches('open')
      ? 'open'
      : snapshot.matches({ half_open: 'waiting_for_probe' })
        ? 'waiting_for_probe'
        : 'probing';
  return { state, failureCount, calls, failures, rejections, openedAt, allowsCall: snapshot.can({ type: 'CALL', at: clock.now() }) };
}

function expected(ref: Reference) {
  return { ...ref, allowsCall: ref.state === 'closed' || ref.state === 'waiting_for_probe' };
}

const configArb = fc.record({
  enabled: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  failureThreshold: fc.integer({ min: 1, max: 6 }),
  timeoutMs: fc.integer({ min: 1, max: 5_000 }),
});

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('succeed' as const), durationMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 })) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('fail' as const), durationMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 })) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 6_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('toDeadline' as const), offset: fc.integer({ min: -1, max: 1 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
);

describe('circuit breaker (property: agrees with a reference model)', () => {
  it('matches the reference model in state, counters, openedAt and can(CALL) after every step of any command sequence', () => {
    fc.assert(
      fc.property(configArb, fc.array(commandArb, { maxLength: 80 }), fc.integer({ min: 0, max: 2 ** 40 }), (cfg, commands, t0) => {
        const clock = new SimulatedClock();
        clock.set(t0);
        const actor = createActor(circuitBreakerMachine, { input: cfg, clock });
        const errors: unknown[] = [];
        actor.subscribe({ error: (error) => errors.push(error) });
        actor.start();
        const ref = initialReference();

        for (const command of commands) {
          switch (command.kind) {
            case 'succeed':
            case 'fail': {
              const real = realCall(actor, clock, command.kind === 'succeed', command.durationMs);
              const model = referenceCall(ref, command.kind === 'succeed', clock.now(), cfg);
              expect(real).toBe(model);
              break;
            }
            case 'advance':
              clock.increment(command.ms);
              referenceAdvance(ref, clock.now(), cfg);
              break;
            case 'toDeadline': {
              // The target time comes from the reference model, never from the breaker under test.
              const deadline = ref.state === 'open' && ref.openedAt !== null ? ref.openedAt + cfg.timeoutMs + command.offset : clock.now();
              clock.set(Math.max(clock.now(), deadline));
              referenceAdvance(ref, clock.now(), cfg);
              break;
            }
            case 'reset':
              actor.send({ type: 'RESET' });
              referenceReset(ref);
              break;
          }
          expect(observed(actor, clock)).toEqual(expected(ref));
          if (!cfg.enabled) expect(ref.state).toBe('closed');
        }
        expect(errors).toEqual([]);
        actor.stop();
      }),
      { numRuns: 500 },
    );
  });
});
