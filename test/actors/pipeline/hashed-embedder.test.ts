import { describe, expect, it } from 'vitest';
import { HashedEmbedder } from '../../../src/actors/embed/hashed-embedder.ts';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

describe('HashedEmbedder', () => {
  it('names its model after the dimension', () => {
    expect(new HashedEmbedder().model).toBe('hashed-384');
    expect(new HashedEmbedder({ dimension: 64 }).dimension).toBe(64);
  });

  it('gives the same vector for the same text, across instances', async () => {
    const [a] = await new HashedEmbedder().embed(['Install inlet on Linux']);
    const [b] = await new HashedEmbedder().embed(['Install inlet on Linux']);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('returns unit-length vectors, and a zero vector for text without words', async () => {
    const [text, empty] = await new HashedEmbedder().embed(['Some text with words, 42 of them', '--- !!!']);
    expect(cosine(text, text)).toBeCloseTo(1, 5);
    expect(empty.every((x) => x === 0)).toBe(true);
  });

  it('places similar texts closer than unrelated ones', async () => {
    const [query, similar, unrelated] = await new HashedEmbedder().embed([
      'how to install the server on linux',
      'Install the server on Linux with the package manager',
      'Quarterly revenue grew in the European market',
    ]);
    expect(cosine(query, similar)).toBeGreaterThan(cosine(query, unrelated) + 0.2);
  });
});
