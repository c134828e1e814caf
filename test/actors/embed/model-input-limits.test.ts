import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashedEmbedder } from '../../../src/actors/embed/hashed-embedder.ts';
import { DEFAULT_MAX_INPUT_TOKENS, maxInputTokensOf } from '../../../src/actors/embed/model-input-limits.ts';
import { OpenAiEmbedder } from '../../../src/actors/embed/openai-embedder.ts';
import { type FakeEmbeddingsServer, startFakeEmbeddingsServer } from '../../support/fake-embeddings-server.ts';

describe('embedder input limits', () => {
  it("gives OpenAI's text-embedding-3 and ada-002 models their documented 8,191 tokens", () => {
    expect(maxInputTokensOf('text-embedding-3-small')).toBe(8191);
    expect(maxInputTokensOf('text-embedding-3-large')).toBe(8191);
    expect(maxInputTokensOf('openai/text-embedding-ada-002')).toBe(8191);
  });

  it('scales known open models to cl100k tokens, ignoring an Ollama tag', () => {
    expect(maxInputTokensOf('nomic-embed-text:latest')).toBe(1536);
    expect(maxInputTokensOf('mxbai-embed-large')).toBe(384);
    expect(maxInputTokensOf('all-minilm:l6-v2')).toBe(192);
  });

  it('falls back to a limit safe for 512-token BERT models when the model is unknown', () => {
    expect(maxInputTokensOf('my-company/embedder-v7')).toBe(DEFAULT_MAX_INPUT_TOKENS);
    expect(DEFAULT_MAX_INPUT_TOKENS).toBeLessThan(512);
  });

  it('gives the hashed embedder the OpenAI figure, so offline runs chunk as the default cloud model', () => {
    expect(new HashedEmbedder().maxInputTokens).toBe(8191);
  });

  describe('OpenAiEmbedder', () => {
    let server: FakeEmbeddingsServer;
    beforeEach(async () => {
      server = await startFakeEmbeddingsServer();
    });
    afterEach(async () => {
      await server.close();
    });

    it('takes the limit of its model unless told otherwise, and refuses a limit too small to chunk to', async () => {
      expect((await OpenAiEmbedder.create({ url: `${server.url}/v1`, model: 'text-embedding-3-small' })).maxInputTokens).toBe(8191);
      expect((await OpenAiEmbedder.create({ url: `${server.url}/v1`, model: 'fake-embed-8' })).maxInputTokens).toBe(DEFAULT_MAX_INPUT_TOKENS);
      expect((await OpenAiEmbedder.create({ url: `${server.url}/v1`, model: 'fake-embed-8', maxInputTokens: 2048 })).maxInputTokens).toBe(2048);
      await expect(OpenAiEmbedder.create({ url: `${server.url}/v1`, model: 'fake-embed-8', maxInputTokens: 4 })).rejects.toThrow(RangeError);
    });
  });
});
