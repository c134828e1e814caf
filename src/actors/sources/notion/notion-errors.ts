import { RateLimitedError, SourcePermanentError } from '../source-errors.ts';

/** Notion's answer when no Retry-After came with a 429/529: wait this long (ms). */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;

interface ResponseErrorShape {
  status?: number;
  code?: string;
  message?: string;
  headers?: unknown;
}

/**
 * Decides what a failed Notion call means, at the throw site: 429 (`rate_limited`) and 529 (`service_overload`)
 * are rate limits with the `Retry-After` pause (https://developers.notion.com/reference/request-limits); 401 and
 * 403 are permanent (token revoked or page not shared); everything else, network errors, timeouts and 5xx
 * included, is returned as is and counts as an outage.
 */
export function classifyNotionError(connector: string, error: unknown): unknown {
  const { status, code, message = '', headers } = (error ?? {}) as ResponseErrorShape;
  if (status === 429 || status === 529) {
    return new RateLimitedError(connector, retryAfterMs(headers) ?? DEFAULT_RATE_LIMIT_PAUSE_MS, `HTTP ${status} ${code ?? ''}`.trim());
  }
  if (status === 401 || status === 403) {
    const permanent = new SourcePermanentError(
      connector,
      status,
      `Notion refused the request (${status} ${code ?? ''}): token revoked or page not shared with the integration; check NOTION_TOKEN and share the pages with the integration (${message})`,
    );
    permanent.cause = error;
    return permanent;
  }
  return error;
}

/** True when a Notion answer says the object does not exist or is not shared (404 `object_not_found`). */
export function isNotFound(error: unknown): boolean {
  return (error as ResponseErrorShape | null)?.status === 404;
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const value = headerOf(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, seconds) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(1000, date - now);
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers as Record<string, unknown>).find(([k]) => k.toLowerCase() === name);
  return entry === undefined ? undefined : String(entry[1]);
}
