import { type PacerClock, systemClock } from '../pacer-clock.ts';

/**
 * Spaces requests at least `1 / requestsPerSecond` apart, so the connector stays under Notion's average of three
 * requests per second per integration (https://developers.notion.com/reference/request-limits) instead of
 * spending its budget and waiting out 429s. Callers take a slot in arrival order.
 */
export class RequestPacer {
  private nextSlot = 0;
  /** Requests paced, how many had to wait, and the total wait (ms), for health. */
  readonly figures = { requests: 0, waited: 0, waited_ms: 0 };

  constructor(
    readonly requestsPerSecond: number,
    private readonly clock: PacerClock = systemClock,
  ) {}

  /** Minimum spacing between two requests (ms). */
  get intervalMs(): number {
    return 1000 / this.requestsPerSecond;
  }

  /** Resolves when the caller may send its request. */
  async take(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    this.figures.requests++;
    const wait = slot - now;
    if (wait <= 0) return;
    this.figures.waited++;
    this.figures.waited_ms += wait;
    await this.clock.sleep(wait);
  }
}
