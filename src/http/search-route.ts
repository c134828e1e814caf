import type { Middleware } from 'koa';
import { isEmbedderUnavailableError } from '../actors/embed/embedder-unavailable-error.ts';
import type { SearchFn } from '../actors/search/search-documents.ts';
import { isStoreUnavailableError } from '../actors/stores/store-errors.ts';
import { HttpError } from './http-error.ts';

/** Largest `k` a caller may ask for. */
const MAX_K = 100;
const DEFAULT_K = 10;

/**
 * `GET /search?q=...&k=10&source=...&path_prefix=...`: the best chunks (hybrid: words and meaning, `searchDocuments`)
 * with their documents and graph neighbours.
 * Without a search function (backends not wired for search) every call answers 503 SEARCH_UNAVAILABLE.
 */
export function createSearchRoute(search: SearchFn | undefined): Middleware {
  return async (ctx) => {
    const { q, k, source, path_prefix: pathPrefix } = ctx.query;
    if (typeof q !== 'string' || q.trim() === '') throw new HttpError(400, 'MISSING_QUERY', 'give the search text once as q, e.g. /search?q=how+to+deploy');
    if (k !== undefined && (typeof k !== 'string' || !/^\d+$/.test(k) || Number(k) < 1 || Number(k) > MAX_K)) {
      throw new HttpError(400, 'BAD_K', `k must be an integer from 1 to ${MAX_K}`);
    }
    if (source !== undefined && typeof source !== 'string') throw new HttpError(400, 'BAD_SOURCE', 'give source at most once');
    if (pathPrefix !== undefined && typeof pathPrefix !== 'string') throw new HttpError(400, 'BAD_PATH_PREFIX', 'give path_prefix at most once');
    if (!search) throw new HttpError(503, 'SEARCH_UNAVAILABLE', 'search is not available on this instance');
    try {
      ctx.body = await search({ q, k: k === undefined ? DEFAULT_K : Number(k), ...(source ? { source } : {}), ...(pathPrefix ? { path_prefix: pathPrefix } : {}) });
    } catch (error) {
      // Outages are the caller's cue to retry; the error middleware would answer them as a generic 500.
      if (isEmbedderUnavailableError(error)) throw new HttpError(503, error.code, 'the embedder is unreachable; retry later');
      if (isStoreUnavailableError(error)) throw new HttpError(503, error.code, `the ${error.store} store is unreachable; retry later`);
      throw error;
    }
  };
}
