/** A store (graph or vector) could not be reached or refused the write for a reason not tied to the event. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    readonly store: string,
    cause: unknown,
  ) {
    super(`${store} store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** True when `error` is a `StoreUnavailableError`: the worker backs off and leaves the events queued. */
export function isStoreUnavailableError(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}
