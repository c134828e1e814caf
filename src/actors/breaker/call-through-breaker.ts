import type { ActorRefFrom } from 'xstate';
import type { circuitBreakerMachine } from '../../machines/circuit-breaker.machine.ts';
import { BreakerOpenError } from './breaker-open-error.ts';

/** A running breaker actor. */
export type BreakerActor = ActorRefFrom<typeof circuitBreakerMachine>;

/** How a source tells outages (which count against the breaker) from answers such as 404 or a rate limit (which do not). */
export type OutageClassifier = (error: unknown) => boolean;

/** Every error is an outage: the default for sources with no finer classification (the local folder). */
export const everyErrorIsAnOutage: OutageClassifier = () => true;

/**
 * Runs `call` if the breaker allows it, and reports the outcome to it. Refused calls throw BreakerOpenError at once.
 * An error that is not an outage is reported as a success: the source answered, so it is up (this also settles a
 * half-open probe that was, say, rate-limited, instead of leaving it hanging).
 *
 * `signal` is the poll's: once it is aborted no call starts, the call in flight is aborted (it gets the signal), and
 * nothing is reported: a cancelled call is neither a failure nor a success. The one exception is the half-open probe:
 * the breaker waits for its answer (it has no way to cancel a probe), so the probe's request is left to finish within
 * its own timeout and report, while the abandoned poll is released at once. It is aborted only if the breaker stops.
 */
export async function callThroughBreaker<T>(
  breaker: BreakerActor,
  connector: string,
  call: (signal?: AbortSignal) => Promise<T>,
  isOutage: OutageClassifier,
  now: () => number = Date.now,
  signal?: AbortSignal,
): Promise<T> {
  signal?.throwIfAborted();
  const at = now();
  if (!breaker.getSnapshot().can({ type: 'CALL', at })) {
    breaker.send({ type: 'REJECTED', at });
    throw new BreakerOpenError(connector);
  }
  breaker.send({ type: 'CALL', at });
  const probe = breaker.getSnapshot().matches({ half_open: 'probing' });
  // A call still in flight when its connector stops must not report to the stopped breaker, nor one whose poll was
  // abandoned (except the probe, see above).
  const report = (event: Parameters<BreakerActor['send']>[0]) => {
    if (breaker.getSnapshot().status === 'active' && (probe || !signal?.aborted)) breaker.send(event);
  };
  const run = async (callSignal: AbortSignal | undefined): Promise<T> => {
    try {
      const result = await call(callSignal);
      report({ type: 'SUCCESS', at: now() });
      return result;
    } catch (error) {
      if (isOutage(error)) report({ type: 'FAILURE', at: now(), error: error instanceof Error ? error.message : String(error) });
      else report({ type: 'SUCCESS', at: now() });
      throw error;
    }
  };
  if (!probe || !signal) return run(signal);
  const breakerStopped = new AbortController();
  const subscription = breaker.subscribe({ complete: () => breakerStopped.abort() });
  const answer = run(breakerStopped.signal).finally(() => subscription.unsubscribe());
  return untilAborted(answer, signal);
}

/** `promise`, or a rejection with the signal's reason as soon as it is aborted (the promise then runs on, unobserved). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {}); // its outcome is reported to the breaker; nobody else waits for it after an abort
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
