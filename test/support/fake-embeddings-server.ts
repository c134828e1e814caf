import { createServer, type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake answered, in arrival order. */
export interface FakeEmbeddingsRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: { model?: unknown; input?: unknown } | undefined;
  /** Status the fake answered. */
  status: number;
}

/** An OpenAI-compatible embeddings endpoint on 127.0.0.1, for `embedder.url` = `${url}/v1`. */
export interface FakeEmbeddingsServer {
  /** Base URL without `/v1`, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** Every request, in order. */
  requests: FakeEmbeddingsRequest[];
  /** Answers the next `count` requests with `status`, these headers and an OpenAI-style error body; calls queue up. */
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  /** Holds the next `count` requests without answering (until close), for timeouts. */
  stallNext(count: number): void;
  /** Requires `Authorization: Bearer <key>`; others get OpenAI's 401, which echoes the key sent. Undefined: no check. */
  requireKey(key: string | undefined): void;
  /** Lists `data` last input first (the API does not promise order; clients must sort by `index`). */
  setReversedOrder(reversed: boolean): void;
  /**
   * Random trouble for every later request until changed: a delay drawn from [0, maxDelayMs], and with probability
   * `rateLimitShare` a 429 with `retry-after-ms: retryAfterMs` instead of an answer. `setChaos()` turns it off.
   */
  setChaos(chaos?: FakeEmbeddingsChaos): void;
  close(): Promise<void>;
}

/** Random delays and rate limiting of `setChaos`. */
export interface FakeEmbeddingsChaos {
  /** Longest delay before an answer, ms. Default 0. */
  maxDelayMs?: number;
  /** Share of requests answered 429, from 0 to 1. Default 0. */
  rateLimitShare?: number;
  /** What a 429 asks the client to wait, ms (`retry-after-ms`). Default 20. */
  retryAfterMs?: number;
  /** Random numbers in [0, 1); default Math.random. */
  random?: () => number;
}

/** Options of the fake. */
export interface FakeEmbeddingsOptions {
  /** Vector length. Default 8. */
  dimension?: number;
}

/**
 * Deterministic stand-in for the embedding model: each lower-cased word adds 1 to bucket `hash(word) % dimension`, plus
 * a constant in bucket 0 so no vector is zero. Vectors are deliberately not unit-length: clients normalise.
 */
export function fakeEmbeddingOf(text: string, dimension = 8): number[] {
  const out = new Array<number>(dimension).fill(0);
  out[0] = 0.5;
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
    out[(hash >>> 0) % dimension] += 1;
  }
  return out;
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeEmbeddingsServer(options: FakeEmbeddingsOptions = {}): Promise<FakeEmbeddingsServer> {
  const dimension = options.dimension ?? 8;
  const requests: FakeEmbeddingsRequest[] = [];
  const failures: { count: number; status: number; headers: Record<string, string>; body?: unknown }[] = [];
  let stalls = 0;
  let key: string | undefined;
  let reversed = false;
  let chaos: Required<FakeEmbeddingsChaos> | undefined;

  const answer = (path: string, headers: IncomingHttpHeaders, body: FakeEmbeddingsRequest['body']): { status: number; body: unknown; headers?: Record<string, string> } => {
    const failure = failures[0];
    if (failure) {
      if (--failure.count === 0) failures.shift();
      const message = STATUS_CODES[failure.status] ?? 'error';
      return { status: failure.status, headers: failure.headers, body: failure.body ?? { error: { message, type: 'server_error', param: null, code: null } } };
    }
    if (path !== '/v1/embeddings') return { status: 404, body: { error: { message: `Unknown path ${path}`, type: 'invalid_request_error' } } };
    const sent = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ?? '';
    if (key !== undefined && sent !== key) {
      // OpenAI's own 401 repeats (part of) the key it was given: clients must not pass it on.
      return { status: 401, body: { error: { message: `Incorrect API key provided: ${sent}.`, type: 'invalid_request_error', code: 'invalid_api_key' } } };
    }
    const input = typeof body?.input === 'string' ? [body.input] : body?.input;
    if (typeof body?.model !== 'string' || !Array.isArray(input) || !input.every((t) => typeof t === 'string')) {
      return { status: 400, body: { error: { message: "'input' must be a string or an array of strings and 'model' a string", type: 'invalid_request_error' } } };
    }
    const data = input.map((text: string, index) => ({ object: 'embedding', index, embedding: fakeEmbeddingOf(text, dimension) }));
    if (reversed) data.reverse();
    const tokens = input.reduce((sum: number, text: string) => sum + text.split(/\s+/).length, 0);
    return { status: 200, body: { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: FakeEmbeddingsRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const method = req.method ?? 'GET';
      if (stalls > 0) {
        stalls--;
        requests.push({ method, path, headers: req.headers, body, status: 0 });
        return;
      }
      const now = chaos;
      const limited = now !== undefined && now.random() < now.rateLimitShare;
      const result = limited
        ? { status: 429, headers: { 'retry-after-ms': String(now.retryAfterMs) }, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } }
        : method === 'POST'
          ? answer(path, req.headers, body)
          : { status: 405, body: { error: { message: 'Method not allowed' } } };
      const send = () => {
        requests.push({ method, path, headers: req.headers, body, status: result.status });
        res.writeHead(result.status, { 'content-type': 'application/json', ...result.headers });
        res.end(JSON.stringify(result.body));
      };
      const delay = now ? Math.floor(now.random() * (now.maxDelayMs + 1)) : 0;
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status, headers = {}, body) {
      failures.push({ count, status, headers, body });
    },
    stallNext(count) {
      stalls += count;
    },
    requireKey(value) {
      key = value;
    },
    setReversedOrder(value) {
      reversed = value;
    },
    setChaos(value) {
      chaos = value && { maxDelayMs: 0, rateLimitShare: 0, retryAfterMs: 20, random: Math.random, ...value };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
