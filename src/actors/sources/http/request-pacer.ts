import { headerOf, type HeaderInput } from './retry-after.ts';
import { type PacerClock, systemClock } from './pacer-clock.ts';

/** Remaining requests under which the pacer slows down even without a near-limit flag. */
const LOW_REMAINING = 10;

/** How a source wants its requests paced; both may apply. */
export interface PacingOptions {
  /** At most this many requests per second, spaced evenly (Notion: 3 per integration); none when absent. */
  requestsPerSecond?: number;
  /**
   * Once an answer says `X-RateLimit-NearLimit: true` or has few `X-RateLimit-Remaining`, each next request waits
   * this long (ms) until an answer shows room again (Confluence, which publishes no fixed rate); none when absent.
   */
  nearLimitPauseMs?: number;
}

/**
 * Paces one source's requests, so the connector stays under the limit instead of spending its budget and waiting out
 * 429s (https://developers.notion.com/reference/request-limits, https://developer.atlassian.com/cloud/confluence/rate-limiting/).
 * Callers take a slot in arrival order.
 */
export class RequestPacer {
  private nextSlot = 0;
  private slow = false;
  /** Requests paced, how many had to wait and the total wait (ms), the last budget seen, for health. */
  readonly figures = { requests: 0, waited: 0, waited_ms: 0, remaining: null as number | null, near_limit: false };

  constructor(
    readonly options: PacingOptions,
    private readonly clock: PacerClock = systemClock,
  ) {}

  /** Resolves when the caller may send its request. */
  async take(): Promise<void> {
    this.figures.requests++;
    const now = this.clock.now();
    let wait = 0;
    if (this.options.requestsPerSecond) {
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + 1000 / this.options.requestsPerSecond;
      wait = slot - now;
    }
    if (this.slow && this.options.nearLimitPauseMs) wait = Math.max(wait, this.options.nearLimitPauseMs);
    if (wait <= 0) return;
    this.figures.waited++;
    this.figures.waited_ms += wait;
    await this.clock.sleep(wait);
  }

  /** Reads the rate-limit headers of an answer. */
  observe(headers: HeaderInput): void {
    const remaining = headerOf(headers, 'x-ratelimit-remaining');
    const left = remaining === undefined ? null : Number(remaining);
    if (left !== null && Number.isFinite(left)) this.figures.remaining = left;
    this.figures.near_limit = headerOf(headers, 'x-ratelimit-nearlimit')?.toLowerCase() === 'true';
    this.slow = this.figures.near_limit || (left !== null && Number.isFinite(left) && left < LOW_REMAINING);
  }
}
