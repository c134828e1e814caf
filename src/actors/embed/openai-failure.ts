/** What to do about one non-2xx answer of an OpenAI-compatible embeddings endpoint. */
export type OpenAiFailure =
  /** Worth another attempt; `retryAfterMs` when the server said how long to wait. */
  | { retryable: true; reason: string; retryAfterMs?: number }
  /** Retrying will not help (bad key, unknown model, input too long): the caller sees `reason`. */
  | { retryable: false; reason: string };

/** Longest server message kept in an error, in characters; an HTML error page is not worth more. */
const MAX_REASON_CHARS = 300;

/**
 * Maps an embeddings answer's status to retryable or permanent, the one place this source's statuses are read.
 * 429 and 5xx are retryable (as OpenAI's own client does), so is 408, a timeout by definition; every other 4xx is
 * the request's fault. `reason` carries the server's message: OpenAI and Ollama send `{ error: { message } }`,
 * text-embeddings-inference `{ error: "..." }`.
 */
export function openAiFailureOf(status: number, statusText: string, headers: Headers, bodyText: string, now = Date.now()): OpenAiFailure {
  const message = serverMessageOf(bodyText);
  const reason = `HTTP ${status}${statusText ? ` ${statusText}` : ''}${message ? `: ${message}` : ''}`;
  if (status === 429 || status === 408 || status >= 500) {
    const retryAfterMs = retryAfterMsOf(headers, now);
    return retryAfterMs === undefined ? { retryable: true, reason } : { retryable: true, reason, retryAfterMs };
  }
  return { retryable: false, reason };
}

function serverMessageOf(bodyText: string): string {
  let message = bodyText;
  try {
    const body = JSON.parse(bodyText) as { error?: unknown; message?: unknown };
    const error = body?.error as { message?: unknown } | string | undefined;
    const found = typeof error === 'string' ? error : typeof error?.message === 'string' ? error.message : body?.message;
    if (typeof found === 'string') message = found;
  } catch {
    // Not JSON (a proxy's error page): keep the text.
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > MAX_REASON_CHARS ? `${message.slice(0, MAX_REASON_CHARS)}...` : message;
}

/**
 * The wait a 429 or 503 asks for, in ms: OpenAI's `retry-after-ms` first, then `Retry-After` in seconds or as an
 * HTTP date (RFC 9110 section 10.2.3). Undefined when absent or unreadable.
 */
function retryAfterMsOf(headers: Headers, now: number): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
