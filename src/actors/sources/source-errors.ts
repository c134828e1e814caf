/** The source asked us to slow down (429, a 403 rate-limit answer, or a budget under the reserve). Not an outage. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly code = 'RATE_LIMITED';
  /** When the wait ends (ISO 8601), for health. */
  readonly resumeAt: string;
  constructor(
    readonly source: string,
    /** How long to wait before the next call (ms). */
    readonly retryAfterMs: number,
    reason: string,
  ) {
    super(`${source} rate limit: ${reason}; resuming in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.resumeAt = new Date(Date.now() + retryAfterMs).toISOString();
  }
}

/** True when `error` is a `RateLimitedError`. */
export function isRateLimitedError(error: unknown): error is RateLimitedError {
  return error instanceof RateLimitedError;
}

/** An answer of the source that is not a success, with its HTTP status: what the three classes below share. */
abstract class SourceAnswerError extends Error {
  constructor(
    readonly source: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A failure that retrying will not fix (bad or revoked token, repository not found, no access): the connector
 * goes degraded with this message in health instead of looping. Not an outage either: the source answered.
 */
export class SourcePermanentError extends SourceAnswerError {
  override readonly name = 'SourcePermanentError';
  readonly code = 'SOURCE_PERMANENT';
}

/** True when `error` is a `SourcePermanentError`. */
export function isSourcePermanentError(error: unknown): error is SourcePermanentError {
  return error instanceof SourcePermanentError;
}

/** The source says the object does not exist or is not visible (404): the caller decides whether that means gone. */
export class SourceNotFoundError extends SourceAnswerError {
  override readonly name = 'SourceNotFoundError';
  readonly code = 'SOURCE_NOT_FOUND';
  constructor(source: string, message: string) {
    super(source, 404, message);
  }
}

/** True when `error` is a `SourceNotFoundError`. */
export function isSourceNotFoundError(error: unknown): error is SourceNotFoundError {
  return error instanceof SourceNotFoundError;
}

/** Any other answer that is not a success: a 5xx (an outage) or a 4xx the source refused (not one). */
export class SourceHttpError extends SourceAnswerError {
  override readonly name = 'SourceHttpError';
  readonly code = 'SOURCE_HTTP';
}

/** True when `error` is a `SourceHttpError`. */
export function isSourceHttpError(error: unknown): error is SourceHttpError {
  return error instanceof SourceHttpError;
}
