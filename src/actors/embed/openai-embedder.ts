import type { Embedder } from './embedder.ts';
import { maxInputTokensOf } from './model-input-limits.ts';
import { createOpenAiEmbeddingsCall, type OpenAiEmbeddingsCall, type OpenAiEmbeddingsCallOptions } from './openai-embeddings-call.ts';

/** Options of `OpenAiEmbedder`: the endpoint and retry settings, plus batching. */
export interface OpenAiEmbedderOptions extends OpenAiEmbeddingsCallOptions {
  /** Texts per request. Default 64. */
  batchSize?: number;
  /** Longest input in cl100k_base tokens; default the model's known limit (`maxInputTokensOf`). */
  maxInputTokens?: number;
}

/** Embedded once by `create` to learn the model's vector length. */
const PROBE = 'inlet dimension probe';

/**
 * An embedder behind any OpenAI-compatible `POST /embeddings` endpoint: OpenAI, Ollama's `/v1`,
 * text-embeddings-inference's OpenAI route. Texts go in batches of `batchSize`, one request after the other;
 * vectors come back L2-normalised, so the stores' cosine scores do not depend on the model's scaling.
 * Build it with `await OpenAiEmbedder.create(options)`, which learns the dimension.
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;

  private constructor(
    private readonly request: OpenAiEmbeddingsCall,
    model: string,
    /** Vector length, learned from the probe. */
    readonly dimension: number,
    private readonly batchSize: number,
    readonly maxInputTokens: number,
  ) {
    this.model = model;
  }

  /** Checks the options and embeds one probe text to learn the dimension; throws what `embed` throws. */
  static async create(options: OpenAiEmbedderOptions): Promise<OpenAiEmbedder> {
    if (!options.model) throw new Error('embedder model is required (e.g. text-embedding-3-small or nomic-embed-text)');
    const batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    const maxInputTokens = options.maxInputTokens ?? maxInputTokensOf(options.model);
    if (!Number.isInteger(maxInputTokens) || maxInputTokens < 16) throw new RangeError(`maxInputTokens must be an integer of at least 16, got ${maxInputTokens}`);
    const request = createOpenAiEmbeddingsCall(options);
    const [probe] = await request.call([PROBE]);
    return new OpenAiEmbedder(request, options.model, probe.length, batchSize, maxInputTokens);
  }

  /** One unit-length vector per text, in order (all zeros where the model returns a zero vector). */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const vectors = await this.request.call(texts.slice(start, start + this.batchSize));
      for (const vector of vectors) {
        // A silent model swap behind the same name would mix vector spaces in the store.
        if (vector.length !== this.dimension) {
          throw new Error(`embedder ${this.model} at ${this.request.endpoint} returned ${vector.length} dimensions, expected ${this.dimension}`);
        }
        out.push(normalised(vector));
      }
    }
    return out;
  }
}

function normalised(vector: number[]): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  const out = new Float32Array(vector.length);
  if (norm === 0) return out;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i] * scale;
  return out;
}
