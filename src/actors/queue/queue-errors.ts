/** The queue refused an enqueue because it holds `max_size` events; nothing of the batch was queued. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  readonly code = 'QUEUE_FULL';
  constructor(
    readonly size: number,
    readonly maxSize: number,
    readonly requested: number,
  ) {
    super(`ingestion queue is full: ${size} of ${maxSize} events, ${requested} more refused`);
  }
}

/** True when `error` is a `QueueFullError`. */
export function isQueueFullError(error: unknown): error is QueueFullError {
  return error instanceof QueueFullError;
}

/** The queue's backing store (Redis or the SQLite file) could not be reached; retry later. */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
  readonly code = 'QUEUE_UNAVAILABLE';
  constructor(cause: unknown) {
    super(`ingestion queue is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** True when `error` is a `QueueUnavailableError`. */
export function isQueueUnavailableError(error: unknown): error is QueueUnavailableError {
  return error instanceof QueueUnavailableError;
}
