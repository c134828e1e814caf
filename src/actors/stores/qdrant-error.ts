import { StoreUnavailableError } from './store-errors.ts';

// Network failures under fetch (undici) arrive as `TypeError: fetch failed` with the system error as `cause`.
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_)/;
// Raised by the client's AbortSignal deadline (QdrantClientTimeoutError) and by 429 with Retry-After.
const UNAVAILABLE_NAMES = new Set(['QdrantClientTimeoutError', 'QdrantClientResourceExhaustedError', 'AbortError', 'TimeoutError']);

/**
 * `error` from a Qdrant call during `action`, classified: no connection, a timeout, 408, 429 or 5xx become a retryable
 * `StoreUnavailableError('vector')`; any other HTTP status (a request Qdrant rejects) is a plain `Error` that names
 * the status and Qdrant's own message, because retrying the same request cannot help.
 */
export function wrapQdrantError(action: string, error: unknown): Error {
  if (error instanceof StoreUnavailableError) return error;
  const status = httpStatusOf(error);
  if (status !== undefined) {
    const detail = `Qdrant ${action} failed with HTTP ${status}: ${qdrantMessage(error) ?? (error as Error).message}`;
    if (status >= 500 || status === 408 || status === 429) return new StoreUnavailableError('vector', new Error(detail, { cause: error }));
    return new Error(detail, { cause: error });
  }
  if (isNetworkError(error)) return new StoreUnavailableError('vector', error);
  return error instanceof Error ? error : new Error(`Qdrant ${action} failed: ${String(error)}`, { cause: error });
}

// ApiError of @qdrant/openapi-typescript-fetch (not a direct dependency, so matched by shape): `status` and `data`.
function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 100 && status <= 599 ? status : undefined;
}

// Qdrant answers errors as `{ status: { error: "..." } }` (OpenAPI `ErrorResponse`).
function qdrantMessage(error: unknown): string | undefined {
  const message = (error as { data?: { status?: { error?: unknown } } }).data?.status?.error;
  return typeof message === 'string' ? message : undefined;
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.test(code)) return true;
  }
  return error instanceof TypeError && error.message === 'fetch failed';
}
