/** Wait after a rate-limit answer that says nothing usable about how long (ms). */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;
/** Shortest wait honoured (ms): a zero or past hint would otherwise make the connector hammer the source. */
export const MIN_PAUSE_MS = 1000;
/**
 * Longest wait honoured (ms), for every source. One hour is GitHub's rate-limit window, the longest wait any of these
 * APIs documents (a primary budget resets within the hour); anything longer is a bad header (Confluence Data Center
 * has been seen sending Long.MAX on blocked endpoints) and would park the connector for good.
 */
export const MAX_PAUSE_MS = 3_600_000;

/** Response headers as the clients give them: a fetch `Headers`, or octokit's plain object. */
export type HeaderInput = Headers | Record<string, string | number | undefined> | undefined | null;

/** One header, case-insensitively, from either shape. */
export function headerOf(headers: HeaderInput, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry?.[1] === undefined ? undefined : String(entry[1]);
}

/** A pause clamped to the one policy: between `MIN_PAUSE_MS` and `MAX_PAUSE_MS`. */
export function clampPause(ms: number): number {
  return Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, ms));
}

/** `Retry-After` in ms (delta-seconds or an HTTP date), clamped; undefined when absent or unreadable. */
export function retryAfterMs(headers: HeaderInput, now = Date.now()): number | undefined {
  const value = headerOf(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isNaN(ms) ? undefined : clampPause(ms);
}
