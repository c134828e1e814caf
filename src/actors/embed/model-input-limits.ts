/**
 * Input limit, in cl100k_base tokens, for an embedding model nobody told us about. BERT-style models, the most common
 * behind OpenAI-compatible servers, take 512 WordPiece tokens, and WordPiece cuts English into up to a third more
 * pieces than cl100k: 384 stays under 512 for them and is well within every larger model.
 */
export const DEFAULT_MAX_INPUT_TOKENS = 384;

// OpenAI's limit is documented in cl100k tokens (https://platform.openai.com/docs/guides/embeddings). The others
// are their model cards' context lengths, scaled by 3/4 for WordPiece or SentencePiece as above. Ollama serves
// nomic-embed-text with a 2,048-token context unless num_ctx is raised, not the model's 8,192.
const KNOWN: [RegExp, number][] = [
  [/^text-embedding-3-(small|large)$|^text-embedding-ada-002$/, 8191],
  [/^nomic-embed-text/, 1536],
  [/^(bge-m3|jina-embeddings-v[23])/, 6144],
  [/^(mxbai-embed-large|snowflake-arctic-embed|bge-(small|base|large)|e5-|multilingual-e5)/, 384],
  [/^(all-minilm|sentence-transformers\/all-minilm|all-mpnet)/, 192],
];

/** The input limit of `model` (name as configured, a `provider/` prefix or `:tag` suffix ignored), or the default. */
export function maxInputTokensOf(model: string): number {
  const name = model.toLowerCase().replace(/:[^/]*$/, '');
  const bare = name.replace(/^(openai|baai|nomic-ai|mixedbread-ai|intfloat|jinaai|snowflake)\//, '');
  return KNOWN.find(([pattern]) => pattern.test(bare) || pattern.test(name))?.[1] ?? DEFAULT_MAX_INPUT_TOKENS;
}
