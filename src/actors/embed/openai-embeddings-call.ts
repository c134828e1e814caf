import { EmbedderUnavailableError } from './embedder-unavailable-error.ts';
import { openAiFailureOf } from './openai-failure.ts';

/** How to reach an OpenAI-compatible embeddings endpoint, and how hard to try. */
export interface OpenAiEmbeddingsCallOptions {
  /** Base URL of the API, e.g. https://api.openai.com/v1 or http://localhost:11434/v1; `/embeddings` is appended. */
  url: string;
  /** Model name sent with every request. */
  model: string;
  /** Bearer token; empty or absent sends no Authorization header (Ollama, a local text-embeddings-inference). */
  apiKey?: string;
  /** Attempts per request, the first included, before `EmbedderUnavailableError`. Default 5. */
  maxAttempts?: number;
  /** Time limit of one request, reading the answer included (ms). Default 30 000. */
  timeoutMs?: number;
  /** Wait before the second attempt when the server sends no Retry-After (ms); doubles per attempt. Default 500. */
  backoffBaseMs?: number;
  /** Longest wait between attempts, a server's Retry-After included (ms). Default 60 000. */
  maxBackoffMs?: number;
  /** The fetch to call; default the global one. */
  fetch?: typeof fetch;
  /** How to wait between attempts; default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** One embeddings request with its retries: raw vectors in input order, all of one length. */
export interface OpenAiEmbeddingsCall {
  /** The endpoint called, without credentials or query, for messages. */
  readonly endpoint: string;
  call(texts: string[]): Promise<number[][]>;
}

type Attempt = { vectors: number[][] } | { retryable: true; reason: string; retryAfterMs?: number };

/**
 * `POST {url}/embeddings` with `{ model, input }`, retried on 429, 5xx, timeouts and network errors with exponential
 * backoff (or the server's Retry-After), then `EmbedderUnavailableError`. Other 4xx answers throw a plain Error with
 * the server's message at once. No message ever contains the API key: servers echo it back in 401 answers.
 */
export function createOpenAiEmbeddingsCall(options: OpenAiEmbeddingsCallOptions): OpenAiEmbeddingsCall {
  const { model, apiKey = '' } = options;
  const maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 5);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const backoffBaseMs = options.backoffBaseMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const target = endpointOf(options.url);
  const endpoint = `${target.origin}${target.pathname}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const redact = (text: string) => (apiKey ? text.split(apiKey).join('[redacted]') : text);

  const vectorsOf = (text: string, count: number): number[][] => {
    const bad = (problem: string) => new Error(`embedder ${model} at ${endpoint} answered an unexpected body: ${problem}`);
    let body: { data?: unknown };
    try {
      body = JSON.parse(text) as { data?: unknown };
    } catch {
      throw bad('not JSON');
    }
    if (!Array.isArray(body?.data)) throw bad('no data array');
    if (body.data.length !== count) throw bad(`${body.data.length} embeddings for ${count} inputs`);
    const out: number[][] = new Array(count);
    body.data.forEach((item: { embedding?: unknown; index?: unknown }, position) => {
      // The API documents `index` as the input's position; answers are not promised in order.
      const index = item?.index ?? position;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || out[index]) throw bad(`bad or repeated index ${String(index)}`);
      const vector = item?.embedding;
      if (!Array.isArray(vector) || vector.length === 0 || !vector.every(Number.isFinite)) throw bad(`embedding ${index} is not a list of numbers`);
      out[index] = vector as number[];
    });
    if (out.some((v) => v.length !== out[0].length)) throw bad('embeddings of different lengths');
    return out;
  };

  const attempt = async (body: string, count: number): Promise<Attempt> => {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(target, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      text = await response.text();
    } catch (error) {
      return { retryable: true, reason: redact(describeNetworkError(error, timeoutMs)) };
    }
    if (response.ok) return { vectors: vectorsOf(text, count) };
    const failure = openAiFailureOf(response.status, response.statusText, response.headers, redact(text));
    if (!failure.retryable) throw new Error(`embedder ${model} at ${endpoint} refused the request: ${failure.reason}`);
    return failure;
  };

  return {
    endpoint,
    async call(texts) {
      const body = JSON.stringify({ model, input: texts });
      for (let n = 1; ; n++) {
        const result = await attempt(body, texts.length);
        if ('vectors' in result) return result.vectors;
        if (n >= maxAttempts) throw new EmbedderUnavailableError(endpoint, n, new Error(result.reason));
        await sleep(Math.min(result.retryAfterMs ?? backoffBaseMs * 2 ** (n - 1), maxBackoffMs));
      }
    },
  };
}

function endpointOf(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new Error(`embedder url '${url}' is not a URL (e.g. https://api.openai.com/v1)`);
  }
  // fetch refuses URLs with credentials, and they would end up in messages: the key goes in api_key.
  if (target.username || target.password) throw new Error('embedder url must not carry credentials; put the key in embedder.api_key');
  // Kept apart from the query so Azure-style `?api-version=` URLs still work.
  target.pathname = `${target.pathname.replace(/\/+$/, '')}/embeddings`;
  return target;
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (!(error instanceof Error)) return String(error);
  // undici says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is in the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
