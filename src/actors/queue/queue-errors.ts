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

/**
 * The queue's store answered, with an error (a Lua `ReplyError`, WRONGTYPE): not an outage, and retrying will not
 * help until an operator looks. Its message is Redis's own and holds no secret, so callers may show it.
 */
export class QueueCommandError extends Error {
  override readonly name = 'QueueCommandError';
  readonly code = 'QUEUE_ERROR';
  constructor(cause: unknown) {
    super(`ingestion queue answered with an error: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** True when `error` is a `QueueCommandError`. */
export function isQueueCommandError(error: unknown): error is QueueCommandError {
  return error instanceof QueueCommandError;
}

// Node's socket error codes that mean "no connection to the server", not "the server refused the command".
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// ioredis's own words for the same: commandTimeout expired, the connection ended, the offline queue is off.
const CONNECTION_MESSAGES = ['Command timed out', 'Connection is closed', "Stream isn't writeable", 'Reached the max retries per request limit'];

/**
 * True when `error` means the queue's store could not be reached (a socket error, an ioredis command timeout, a closed
 * connection, `MaxRetriesPerRequestError`, a SQLite file that cannot serve us): retry later. A Lua or argument error
 * (`ReplyError`, WRONGTYPE) or a programming error is not: the store answered, and retrying will not help.
 * Follows `cause`, so a `QueueUnavailableError` is judged by what it wraps.
 */
export function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.name === 'ReplyError') return false;
    if (current.name === 'MaxRetriesPerRequestError' || current.name === 'QueueProbeTimeoutError') return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    // toQueueError wraps only the SQLite codes that mean "the file cannot serve us"; others are bugs.
    if (current instanceof QueueUnavailableError && /^SQLITE_/.test(String((current.cause as { code?: unknown } | undefined)?.code))) return true;
    if (CONNECTION_MESSAGES.some((message) => current instanceof Error && current.message.includes(message))) return true;
    // better-sqlite3 after close; toQueueError wraps only the SQLite failures that mean "unavailable".
    if (current.message.includes('database connection is not open')) return true;
    current = current.cause;
  }
  return false;
}
