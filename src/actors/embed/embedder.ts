/** Turns text into vectors. The default is offline and deterministic; real models slot in behind this port. */
export interface Embedder {
  /** Model name stored with every vector, so a model change is visible in the payload. */
  readonly model: string;
  /** Vector length. */
  readonly dimension: number;
  /**
   * Longest text the model takes, in cl100k_base tokens (the chunker's unit; for a model with another tokenizer, a
   * figure that stays under its limit). Chunks are cut to fit, so no text is refused or silently truncated.
   */
  readonly maxInputTokens: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}
