import { RateLimitedError, SourcePermanentError } from '../source-errors.ts';

/** Wait after a 429 without a usable Retry-After (ms). */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;
/** Longest Retry-After honoured (ms): Data Center has been seen sending Long.MAX on blocked endpoints. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** A Confluence answer that is neither success nor classified as rate limit or permanent: 5xx, 404 and the like. */
export class ConfluenceHttpError extends Error {
  override readonly name = 'ConfluenceHttpError';
  readonly code = 'CONFLUENCE_HTTP';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** True when `error` is a `ConfluenceHttpError`. */
export function isConfluenceHttpError(error: unknown): error is ConfluenceHttpError {
  return error instanceof ConfluenceHttpError;
}

/**
 * Decides what a failed answer means, at the throw site: 429 is a rate limit with the clamped Retry-After
 * (https://developer.atlassian.com/cloud/confluence/rate-limiting/); 401 and 403 are permanent (bad credentials or no
 * access to the space); anything else (5xx, 404) is a `ConfluenceHttpError` the caller may handle or let count as an outage.
 */
export function classifyConfluenceAnswer(connector: string, status: number, headers: Headers, detail: string, auth: string): Error {
  if (status === 429) {
    const reason = headers.get('ratelimit-reason') ?? 'HTTP 429';
    return new RateLimitedError(connector, retryAfterMs(headers.get('retry-after')) ?? DEFAULT_RATE_LIMIT_PAUSE_MS, reason);
  }
  if (status === 401) {
    return new SourcePermanentError(connector, 401, `Confluence rejected the credentials (401): check ${auth}`);
  }
  if (status === 403) {
    return new SourcePermanentError(connector, 403, `Confluence refused access (403): the ${auth} user needs read access to the configured spaces (${detail.slice(0, 200)})`);
  }
  return new ConfluenceHttpError(status, `Confluence answered ${status}: ${detail.slice(0, 200)}`);
}

/** `Retry-After` in ms (delta-seconds or an HTTP date), clamped to 1 s..10 min; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, ms));
}
