import type { PacerClock } from '../pacer-clock.ts';

/** Remaining requests under which the connector slows down even without `X-RateLimit-NearLimit`. */
const LOW_REMAINING = 10;

/**
 * Slows requests down before the limit: once an answer says `X-RateLimit-NearLimit: true` or has few
 * `X-RateLimit-Remaining`, each next request waits `pauseMs` until an answer shows room again. Confluence publishes
 * no fixed rate (Cloud) or an admin-set token bucket (Data Center), so the headers are the only guide.
 * https://developer.atlassian.com/cloud/confluence/rate-limiting/
 */
export class ConfluencePacer {
  private slow = false;
  /** Requests that waited and the total wait (ms), the last budget seen, for health. */
  readonly figures = { requests: 0, waited: 0, waited_ms: 0, remaining: null as number | null, near_limit: false };

  constructor(
    private readonly pauseMs: number,
    private readonly clock: PacerClock,
  ) {}

  /** Resolves when the caller may send its request. */
  async take(): Promise<void> {
    this.figures.requests++;
    if (!this.slow || this.pauseMs <= 0) return;
    this.figures.waited++;
    this.figures.waited_ms += this.pauseMs;
    await this.clock.sleep(this.pauseMs);
  }

  /** Reads the rate-limit headers of an answer. */
  observe(headers: Headers): void {
    const near = headers.get('x-ratelimit-nearlimit');
    const remaining = headers.get('x-ratelimit-remaining');
    const left = remaining === null ? null : Number(remaining);
    if (left !== null && Number.isFinite(left)) this.figures.remaining = left;
    this.figures.near_limit = near?.toLowerCase() === 'true';
    this.slow = this.figures.near_limit || (left !== null && Number.isFinite(left) && left < LOW_REMAINING);
  }
}
