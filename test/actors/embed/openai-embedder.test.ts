import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../../src/actors/embed/create-embedder.ts';
import { EmbedderUnavailableError, isEmbedderUnavailableError } from '../../../src/actors/embed/embedder-unavailable-error.ts';
import { HashedEmbedder } from '../../../src/actors/embed/hashed-embedder.ts';
import { DEFAULT_MAX_INPUT_TOKENS } from '../../../src/actors/embed/model-input-limits.ts';
import { OpenAiEmbedder, type OpenAiEmbedderOptions } from '../../../src/actors/embed/openai-embedder.ts';
import { fakeEmbeddingOf, type FakeEmbeddingsRequest, type FakeEmbeddingsServer, startFakeEmbeddingsServer } from '../../support/fake-embeddings-server.ts';
import { freePort } from '../../support/free-port.ts';

const KEY = 'sk-test-0123456789abcdef-secret';

let server: FakeEmbeddingsServer;
let sleeps: number[];

beforeEach(async () => {
  server = await startFakeEmbeddingsServer();
  sleeps = [];
});
afterEach(async () => {
  await server.close();
});

/** An embedder on the fake with recorded, instant sleeps; the probe request is dropped from the log. */
async function embedderOf(options: Partial<OpenAiEmbedderOptions> = {}): Promise<OpenAiEmbedder> {
  const embedder = await OpenAiEmbedder.create({
    url: `${server.url}/v1`,
    model: 'fake-embed-8',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  server.requests.length = 0;
  sleeps.length = 0;
  return embedder;
}

/** `vector` at unit length, rounded for comparison with Float32 results. */
const unitRounded = (vector: number[]) => {
  const norm = Math.hypot(...vector);
  return vector.map((x) => Number((x / norm).toFixed(5)));
};
const rounded = (vector: Float32Array) => [...vector].map((x) => Number(x.toFixed(5)));

/** The texts one logged request asked to embed. */
const inputsOf = (request: FakeEmbeddingsRequest) => (request.body?.input ?? []) as string[];

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('OpenAiEmbedder', () => {
  it('learns the dimension from one probe request and reports the configured model', async () => {
    const embedder = await OpenAiEmbedder.create({ url: `${server.url}/v1/`, model: 'fake-embed-8' });
    expect(embedder.dimension).toBe(8);
    expect(embedder.model).toBe('fake-embed-8');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/embeddings', body: { model: 'fake-embed-8', input: [expect.any(String)] } });
  });

  it('sends 130 texts at batch size 64 as 3 requests and returns the vectors in input order', async () => {
    const embedder = await embedderOf({ batchSize: 64 });
    const texts = Array.from({ length: 130 }, (_, i) => `text number ${i} about topic ${i % 7}`);
    const vectors = await embedder.embed(texts);
    expect(server.requests.map((r) => inputsOf(r).length)).toEqual([64, 64, 2]);
    expect(server.requests.flatMap(inputsOf)).toEqual(texts);
    expect(vectors).toHaveLength(130);
    for (const [i, vector] of vectors.entries()) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(rounded(vector)).toEqual(unitRounded(fakeEmbeddingOf(texts[i])));
    }
  });

  it('returns L2-normalised vectors', async () => {
    const embedder = await embedderOf();
    const [vector] = await embedder.embed(['many many many words here']);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
  });

  it('orders the vectors by index when the server lists them out of order', async () => {
    const embedder = await embedderOf();
    server.setReversedOrder(true);
    const vectors = await embedder.embed(['alpha', 'beta beta', 'gamma gamma gamma']);
    expect(vectors.map(rounded)).toEqual(['alpha', 'beta beta', 'gamma gamma gamma'].map((t) => unitRounded(fakeEmbeddingOf(t))));
  });

  it('makes no request for no texts', async () => {
    const embedder = await embedderOf();
    expect(await embedder.embed([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('sends Authorization: Bearer only when a key is set', async () => {
    const withKey = await embedderOf({ apiKey: KEY });
    await withKey.embed(['hello']);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    const without = await embedderOf({ apiKey: '' });
    await without.embed(['hello']);
    expect(server.requests[0].headers).not.toHaveProperty('authorization');
  });

  it('waits the Retry-After seconds of a 429, then succeeds', async () => {
    const embedder = await embedderOf();
    server.failNext(1, 429, { 'retry-after': '2' });
    const vectors = await embedder.embed(['rate limited once']);
    expect(vectors).toHaveLength(1);
    expect(server.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(sleeps).toEqual([2000]);
  });

  it('clamps a long Retry-After to the longest backoff', async () => {
    const embedder = await embedderOf({ maxBackoffMs: 60_000 });
    server.failNext(1, 429, { 'retry-after': '3600' });
    await embedder.embed(['x']);
    expect(sleeps).toEqual([60_000]);
  });

  it('retries 500s with exponential backoff, then succeeds', async () => {
    const embedder = await embedderOf({ backoffBaseMs: 500 });
    server.failNext(2, 500);
    await embedder.embed(['x']);
    expect(server.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('gives up on a persistent 503 after maxAttempts with EmbedderUnavailableError', async () => {
    const embedder = await embedderOf();
    server.failNext(100, 503);
    const error = await failureOf(embedder.embed(['x']));
    expect(isEmbedderUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'EmbedderUnavailableError', code: 'EMBEDDER_UNAVAILABLE', attempts: 5 });
    expect(error.message).toContain('503');
    expect(server.requests).toHaveLength(5);
    expect(sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it('honours a configured number of attempts', async () => {
    const embedder = await embedderOf({ maxAttempts: 2 });
    server.failNext(100, 502);
    expect(await failureOf(embedder.embed(['x']))).toBeInstanceOf(EmbedderUnavailableError);
    expect(server.requests).toHaveLength(2);
  });

  it('fails a 400 at once with the server message, without retrying', async () => {
    const embedder = await embedderOf();
    server.failNext(1, 400, {}, { error: { message: "This model's maximum context length is 8192 tokens", type: 'invalid_request_error' } });
    const error = await failureOf(embedder.embed(['too long']));
    expect(isEmbedderUnavailableError(error)).toBe(false);
    expect(error.message).toContain("This model's maximum context length is 8192 tokens");
    expect(error.message).toContain('400');
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a request that times out', async () => {
    const embedder = await embedderOf({ timeoutMs: 200 });
    server.stallNext(1);
    const vectors = await embedder.embed(['slow']);
    expect(vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([500]);
  });

  it('treats an unreachable endpoint as unavailable after retrying', async () => {
    const port = await freePort();
    const error = await failureOf(
      OpenAiEmbedder.create({ url: `http://127.0.0.1:${port}/v1`, model: 'm', maxAttempts: 3, sleep: async (ms) => void sleeps.push(ms) }),
    );
    expect(isEmbedderUnavailableError(error)).toBe(true);
    expect(error.message).toMatch(/ECONNREFUSED|fetch failed/);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('never puts the API key in an error message, even when the server echoes it', async () => {
    server.requireKey('sk-the-right-one');
    const rejected = await failureOf(OpenAiEmbedder.create({ url: `${server.url}/v1`, model: 'm', apiKey: KEY }));
    expect(server.requests[0].status).toBe(401);
    expect(rejected.message).toContain('Incorrect API key provided');
    expect(inspect(rejected, { depth: 10 })).not.toContain(KEY);

    server.requireKey(undefined);
    const embedder = await embedderOf({ apiKey: KEY, maxAttempts: 2 });
    server.failNext(2, 503, {}, { error: { message: `overloaded; key ${KEY} is throttled` } });
    const unavailable = await failureOf(embedder.embed(['x']));
    expect(isEmbedderUnavailableError(unavailable)).toBe(true);
    expect(inspect(unavailable, { depth: 10 })).not.toContain(KEY);
    expect(unavailable.message).toContain('[redacted]');
  });

  it('rejects a URL carrying credentials without echoing them', async () => {
    const error = await failureOf(OpenAiEmbedder.create({ url: `http://user:${KEY}@127.0.0.1:1/v1`, model: 'm' }));
    expect(error.message).toContain('must not carry credentials');
    expect(error.message).not.toContain(KEY);
  });
});

describe('createEmbedder', () => {
  it('builds the offline HashedEmbedder for kind hashed', async () => {
    const embedder = await createEmbedder({ kind: 'hashed', url: '', model: '', api_key: '', batch_size: 64, max_input_tokens: 0 });
    expect(embedder).toBeInstanceOf(HashedEmbedder);
    expect(server.requests).toHaveLength(0);
  });

  it('builds an OpenAiEmbedder with the learned dimension for kind openai', async () => {
    const embedder = await createEmbedder({ kind: 'openai', url: `${server.url}/v1`, model: 'fake-embed-8', api_key: KEY, batch_size: 2, max_input_tokens: 0 });
    expect(embedder).toBeInstanceOf(OpenAiEmbedder);
    expect(embedder.dimension).toBe(8);
    // An unknown model gets the safe default unless embedder.max_input_tokens says otherwise.
    expect(embedder.maxInputTokens).toBe(DEFAULT_MAX_INPUT_TOKENS);
    const told = await createEmbedder({ kind: 'openai', url: `${server.url}/v1`, model: 'fake-embed-8', api_key: KEY, batch_size: 2, max_input_tokens: 2048 });
    expect(told.maxInputTokens).toBe(2048);
    server.requests.length = 0;
    await embedder.embed(['a', 'b', 'c']);
    expect(server.requests.map((r) => inputsOf(r).length)).toEqual([2, 1]);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
  });
});
