/** A call was refused because the connector's circuit breaker is open (or half-open with its probe in flight). */
export class BreakerOpenError extends Error {
  override readonly name = 'BreakerOpenError';
  readonly code = 'BREAKER_OPEN';
  constructor(readonly connector: string) {
    super(`circuit breaker of ${connector} is open: call refused without touching the source`);
  }
}

