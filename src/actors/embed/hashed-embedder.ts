import type { Embedder } from './embedder.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TOKEN = /[\p{L}\p{N}]+/gu;

/** Options for `HashedEmbedder`. */
export interface HashedEmbedderOptions {
  /** Vector length; default 384, the size of common small sentence models, so a swap keeps the table shape. */
  dimension?: number;
}

/**
 * The hashed embedder has no context window (it reads any length in linear time); it claims OpenAI's 8,191 so offline
 * runs and tests chunk exactly as the default cloud model would.
 */
const HASHED_MAX_INPUT_TOKENS = 8191;

/**
 * Offline, deterministic embedder: lower-cased word tokens and token bigrams hashed (FNV-1a, 32 bit) into
 * signed buckets, then L2-normalised. Texts sharing words land close; it knows no synonyms.
 */
export class HashedEmbedder implements Embedder {
  readonly model: string;
  readonly dimension: number;
  readonly maxInputTokens = HASHED_MAX_INPUT_TOKENS;

  constructor(options: HashedEmbedderOptions = {}) {
    const dimension = options.dimension ?? 384;
    if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
    this.dimension = dimension;
    this.model = `hashed-${dimension}`;
  }

  /** One unit-length vector per text (all zeros for a text without letters or digits). */
  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  private embedOne(text: string): Float32Array {
    const acc = new Float64Array(this.dimension);
    let previous = -1;
    for (const match of text.toLowerCase().matchAll(TOKEN)) {
      const hash = fnv1a(match[0]);
      this.add(acc, hash);
      // Bigrams mix the two token hashes instead of rehashing the joined string: same spread, half the work.
      if (previous !== -1) this.add(acc, fmix32(Math.imul(previous, FNV_PRIME) ^ hash));
      previous = hash;
    }
    let norm = 0;
    for (let i = 0; i < acc.length; i++) norm += acc[i] * acc[i];
    const out = new Float32Array(this.dimension);
    if (norm === 0) return out;
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < acc.length; i++) out[i] = acc[i] * scale;
    return out;
  }

  /** `hash` is an unsigned 32-bit integer. */
  private add(acc: Float64Array, hash: number): void {
    // The low bits pick the bucket and the top bit the sign, so collisions cancel out on average.
    acc[hash % this.dimension] += hash >>> 31 === 1 ? -1 : 1;
  }
}

function fnv1a(value: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

// murmur3 finaliser: spreads the mixed bigram bits so the bucket and sign bits stay independent.
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
