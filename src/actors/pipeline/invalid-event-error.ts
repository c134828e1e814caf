/** An event that can never be applied (e.g. an upsert without content): permanent, retrying will not help. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly code = 'INVALID_EVENT';
  constructor(
    readonly eventId: string,
    readonly reason: string,
  ) {
    super(`invalid ingestion event ${eventId}: ${reason}`);
  }
}

/** True when `error` is an `InvalidEventError`: the worker drops (dead-letters) the event instead of retrying. */
export function isInvalidEventError(error: unknown): error is InvalidEventError {
  return error instanceof InvalidEventError;
}
