import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';

/** `GET /metrics`: the registry in Prometheus text format. Holds no secret, token or document content (issue 14). */
export function createMetricsRoute(registry: Registry): Middleware {
  return async (ctx) => {
    ctx.body = await registry.metrics();
    // After the body: a string body would otherwise set text/plain without Prometheus's format version.
    ctx.set('Content-Type', registry.contentType);
  };
}
