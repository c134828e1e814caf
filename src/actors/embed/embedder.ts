/** Turns text into vectors. The default is offline and deterministic; real models slot in behind this port. */
export interface Embedder {
  /** Model name stored with every vector, so a model change is visible in the payload. */
  readonly model: string;
  /** Vector length. */
  readonly dimension: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}
