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
 */
export async function callThroughBreaker<T>(
  breaker: BreakerActor,
  connector: string,
  call: () => Promise<T>,
  isOutage: OutageClassifier,
  now: () => number = Date.now,
): Promise<T> {
  const at = now();
  if (!breaker.getSnapshot().can({ type: 'CALL', at })) {
    breaker.send({ type: 'REJECTED', at });
    throw new BreakerOpenError(connector);
  }
  breaker.send({ type: 'CALL', at });
  // A call still in flight when its connector stops must not report to the stopped breaker.
  const report = (event: Parameters<BreakerActor['send']>[0]) => {
    if (breaker.getSnapshot().status === 'active') breaker.send(event);
  };
  try {
    const result = await call();
    report({ type: 'SUCCESS', at: now() });
    return result;
  } catch (error) {
    if (isOutage(error)) report({ type: 'FAILURE', at: now(), error: error instanceof Error ? error.message : String(error) });
    else report({ type: 'SUCCESS', at: now() });
    throw error;
  }
}
