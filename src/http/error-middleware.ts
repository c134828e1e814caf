import type { Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import { isEmbedderUnavailableError } from '../actors/embed/embedder-unavailable-error.ts';
import { isQueueCommandError, isQueueFullError, isQueueUnavailableError } from '../actors/queue/queue-errors.ts';
import { isStoreUnavailableError } from '../actors/stores/store-errors.ts';
import { isHttpError } from './http-error.ts';

/**
 * First in the chain: every failure becomes `{ error: { code, message } }` with a fitting status, never a stack trace.
 * Unknown errors are logged in full and answered with a generic 500.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'NOT_FOUND', message: `no route for ${ctx.method} ${ctx.path}` } };
      }
    } catch (error) {
      const { status, code, message } = classify(error);
      if (status >= 500) logger.error('request failed', { method: ctx.method, path: ctx.path, error });
      ctx.status = status;
      ctx.body = { error: { code, message } };
    }
  };
}

function classify(error: unknown): { status: number; code: string; message: string } {
  if (isHttpError(error)) return error;
  if (isQueueFullError(error)) return { status: 503, code: error.code, message: error.message };
  if (isQueueUnavailableError(error)) return { status: 503, code: error.code, message: 'the ingestion queue is unreachable; retry later' };
  if (isQueueCommandError(error)) return { status: 502, code: error.code, message: error.message };
  if (isStoreUnavailableError(error)) return { status: 503, code: error.code, message: `the ${error.store} store is unreachable; retry later` };
  if (isEmbedderUnavailableError(error)) return { status: 503, code: error.code, message: 'the embedder is unreachable; retry later' };
  const status = (error as { status?: number }).status;
  // Errors from the body parser and Koa itself carry a 4xx status and a safe message.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: 'BAD_REQUEST', message: (error as Error).message };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error; see the service log' };
}
