import { isRateLimitedError, isSourceNotFoundError, isSourcePermanentError, RateLimitedError, SourceHttpError, SourceNotFoundError, SourcePermanentError } from '../source-errors.ts';
import type { RequestPacer } from './request-pacer.ts';
import { clampPause, DEFAULT_RATE_LIMIT_PAUSE_MS, type HeaderInput, retryAfterMs } from './retry-after.ts';

/** A failed call as the framework sees it, whatever the transport (fetch, the Notion SDK, octokit). */
export interface HttpFailure {
  /** HTTP status; undefined for a network error or a timeout. */
  status: number | undefined;
  headers: HeaderInput;
  /** The source's own words (error code and message, or the start of the body). */
  detail: string;
}

/** What a failure means, decided by the source's one classification function. */
export type FailureClass =
  /** Slow down: wait `Retry-After`, else `pauseMs` (a budget reset), else a minute. */
  | { class: 'rate_limited'; reason: string; pauseMs?: number }
  /** Retrying will not fix it (credentials, access): the connector goes degraded with `message`. */
  | { class: 'permanent'; message: string }
  /** The object is not there (or not visible). */
  | { class: 'not_found' }
  /** The source is down or unreachable: counts against the breaker. */
  | { class: 'outage' }
  /** The source answered and refused this request; not an outage. */
  | { class: 'refused' };

/** What an answer means when the source says nothing particular: 404 not found, no answer or 5xx an outage, other 4xx refused. */
export function commonClass(status: number | undefined): FailureClass {
  if (status === 404) return { class: 'not_found' };
  return status === undefined || status >= 500 ? { class: 'outage' } : { class: 'refused' };
}

/** How one source's calls are made. */
export interface SourceHttpOptions {
  connector: string;
  /** Longest wait for one answer (ms). */
  timeoutMs: number;
  pacer: RequestPacer;
  /** The source's classification of failed answers; undefined leaves the answer to the common rule (`commonClass`). */
  classify(failure: HttpFailure): FailureClass | undefined;
  now?: () => number;
}

/**
 * One source's HTTP calls, whatever the transport underneath: paced, with the request timeout and the poll's abort
 * signal, rate-limit headers read in one place with one clamping policy (retry-after.ts), every failure turned into
 * the error classes of source-errors.ts by the source's `classify`, and counted for health. The transport (fetch,
 * the Notion SDK, octokit) is wrapped, not replaced: `send` gets the signal to hand to it.
 */
export class SourceHttpClient {
  /** Answers by class, for health. */
  readonly counters = { rate_limited: 0, permanent: 0, not_found: 0, outages: 0, refused: 0 };

  constructor(private readonly options: SourceHttpOptions) {}

  /**
   * Sends one request: `send` gets a signal aborted by the poll's `signal` or the timeout; `headersOf` reads the
   * answer's headers for the pacer.
   */
  async call<T>(signal: AbortSignal | undefined, send: (signal: AbortSignal) => Promise<T>, headersOf?: (answer: T) => HeaderInput): Promise<T> {
    await this.options.pacer.take();
    // The pacer may have waited: an abandoned poll sends nothing.
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const answer = await send(signal ? AbortSignal.any([signal, timeout]) : timeout);
      if (headersOf) this.options.pacer.observe(headersOf(answer));
      return answer;
    } catch (error) {
      // An abandoned poll's abort is not the source's failure.
      if (signal?.aborted) throw error;
      throw this.classified(error);
    }
  }

  /** Turns a transport's error (with `status` and `headers` or `response.headers`) into the error classes. */
  classified(error: unknown): unknown {
    if (isRateLimitedError(error) || isSourcePermanentError(error) || isSourceNotFoundError(error)) return error;
    const shape = (error ?? {}) as { status?: unknown; headers?: HeaderInput; response?: { headers?: HeaderInput }; code?: unknown; message?: string };
    const status = typeof shape.status === 'number' ? shape.status : undefined;
    const headers = shape.headers ?? shape.response?.headers;
    if (headers) this.options.pacer.observe(headers);
    const detail = [typeof shape.code === 'string' ? shape.code : '', shape.message ?? ''].filter(Boolean).join(': ');
    const verdict = this.options.classify({ status, headers, detail }) ?? commonClass(status);
    const { connector } = this.options;
    this.counters[verdict.class === 'outage' ? 'outages' : verdict.class]++;
    switch (verdict.class) {
      case 'rate_limited': {
        const now = (this.options.now ?? Date.now)();
        const pause = retryAfterMs(headers, now) ?? (verdict.pauseMs === undefined ? DEFAULT_RATE_LIMIT_PAUSE_MS : clampPause(verdict.pauseMs));
        return new RateLimitedError(connector, pause, verdict.reason);
      }
      case 'permanent':
        return Object.assign(new SourcePermanentError(connector, status ?? 0, verdict.message), { cause: error });
      case 'not_found':
        return Object.assign(new SourceNotFoundError(connector, `${connector}: not found (${detail.slice(0, 200)})`), { cause: error });
      default:
        // Network errors and timeouts (no status) pass on as they are: the breaker counts them.
        return status === undefined ? error : Object.assign(new SourceHttpError(connector, status, `${connector}: HTTP ${status} ${detail.slice(0, 200)}`), { cause: error });
    }
  }

  /** Which errors count against the breaker: no answer, or a 5xx. Rate limits and refusals mean the source is up. */
  isOutage(error: unknown): boolean {
    if (isRateLimitedError(error) || isSourcePermanentError(error) || isSourceNotFoundError(error)) return false;
    const status = (error as { status?: unknown } | null)?.status;
    return typeof status !== 'number' || status >= 500;
  }

  /** Requests sent so far. */
  get requests(): number {
    return this.options.pacer.figures.requests;
  }

  /** The pacer's and the counters' figures, for health. */
  health(): Record<string, unknown> {
    const { requestsPerSecond } = this.options.pacer.options;
    return { pacing: { ...(requestsPerSecond && { requests_per_second: requestsPerSecond }), ...this.options.pacer.figures }, ...this.counters };
  }

  /** `call` for answers that may be absent: a not-found answer is null. */
  async orNull<T>(signal: AbortSignal | undefined, send: (signal: AbortSignal) => Promise<T>, headersOf?: (answer: T) => HeaderInput): Promise<T | null> {
    try {
      return await this.call(signal, send, headersOf);
    } catch (error) {
      if (isSourceNotFoundError(error)) return null;
      throw error;
    }
  }
}
