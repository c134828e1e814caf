/** Thresholds of the backpressure latch, in percent of `queue.max_size`. */
export interface BackpressureThresholds {
  /** Usage at or above which producers pause. */
  onPct: number;
  /** Usage below which producers resume; lower than `onPct` so the latch does not flap. */
  offPct: number;
}

/**
 * Hysteresis: backpressure switches on at `onPct`, and once on stays on until usage falls under `offPct`.
 * Pure; the supervisor machine holds the one latch (issue 11), the tests share this definition.
 */
export function nextBackpressure(wasOn: boolean, usagePct: number, t: BackpressureThresholds): boolean {
  if (usagePct >= t.onPct) return true;
  if (usagePct < t.offPct) return false;
  return wasOn;
}

/** Usage in percent with two decimals, as the runbook prints it (45 of 10000 is 0.45). */
export function usagePercent(size: number, maxSize: number): number {
  return Math.round((size / maxSize) * 10000) / 100;
}
