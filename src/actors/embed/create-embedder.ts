import type { InletConfig } from '../../config/schema.ts';
import type { Embedder } from './embedder.ts';
import { HashedEmbedder } from './hashed-embedder.ts';
import { OpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embedder.ts';

/** Test and tuning hooks passed through to `OpenAiEmbedder` (fetch, sleep, timeouts, attempts). */
export type EmbedderOverrides = Omit<OpenAiEmbedderOptions, 'url' | 'model' | 'apiKey' | 'batchSize'>;

/**
 * The embedder `embedder.kind` names: `hashed` (offline default) or `openai` (any OpenAI-compatible endpoint;
 * its dimension is learned with one request, so this fails when the endpoint cannot be reached).
 */
export async function createEmbedder(config: InletConfig['embedder'], overrides: EmbedderOverrides = {}): Promise<Embedder> {
  if (config.kind === 'hashed') return new HashedEmbedder();
  return OpenAiEmbedder.create({ ...overrides, url: config.url, model: config.model, apiKey: config.api_key, batchSize: config.batch_size, maxInputTokens: config.max_input_tokens || undefined });
}
