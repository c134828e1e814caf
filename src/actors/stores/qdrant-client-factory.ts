import { QdrantClient } from '@qdrant/js-client-rest';

/** Options of `createQdrantClient`. */
export interface QdrantClientOptions {
  /** Per-request deadline in milliseconds, after which the call fails as unavailable. Default 30000 (the client's own default is 300000). */
  timeoutMs?: number;
}

/**
 * A `QdrantClient` for `url` (e.g. `http://localhost:6333`, `https://xyz.cloud.qdrant.io`) with `apiKey` (empty = none).
 *
 * The port is always passed explicitly: given a URL without a port the client appends 6333, and `URL` drops default
 * ports, so `https://h:443` would also become `https://h:6333` (notes §4.7). We pass the URL's port, else the
 * scheme's (443 or 80). A path in the URL becomes the client's `prefix` (the client ignores a URL's path otherwise).
 */
export function createQdrantClient(url: string, apiKey?: string, options: QdrantClientOptions = {}): QdrantClient {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Qdrant URL ${JSON.stringify(url)} is not a valid URL (expected e.g. http://localhost:6333)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`Qdrant URL ${JSON.stringify(url)} must start with http:// or https://`);
  }
  const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  const prefix = parsed.pathname.replace(/\/+$/, '');
  return new QdrantClient({
    url: `${parsed.protocol}//${parsed.hostname}`,
    port,
    ...(prefix !== '' && { prefix }),
    ...(apiKey && { apiKey }),
    timeout: options.timeoutMs ?? 30_000,
    // The check is a fire-and-forget GET / that only logs a warning, also when the server is down at start-up.
    checkCompatibility: false,
  });
}
