/**
 * The embeddings endpoint could not be reached or kept failing with a retryable answer (429, 5xx, timeout) after
 * every attempt. Like a store outage, it is not the event's fault: the worker backs off and leaves the events queued.
 */
export class EmbedderUnavailableError extends Error {
  override readonly name = 'EmbedderUnavailableError';
  readonly code = 'EMBEDDER_UNAVAILABLE';
  constructor(
    /** Where the embedder was called (no credentials), e.g. `https://api.openai.com/v1/embeddings`. */
    readonly endpoint: string,
    /** Attempts made before giving up. */
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`embedder unavailable at ${endpoint} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** True when `error` is an `EmbedderUnavailableError`. */
export function isEmbedderUnavailableError(error: unknown): error is EmbedderUnavailableError {
  return error instanceof EmbedderUnavailableError;
}
