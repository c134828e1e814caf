import type { Middleware } from 'koa';
import type { InletMetrics } from '../actors/metrics/index.ts';

/** `GET /metrics`: the registry in Prometheus text format. Holds no secret, token or document content (issue 14). */
export function createMetricsRoute(metrics: Pick<InletMetrics, 'registry' | 'scrape'>): Middleware {
  return async (ctx) => {
    ctx.body = await metrics.scrape();
    // After the body: a string body would otherwise set text/plain without Prometheus's format version.
    ctx.set('Content-Type', metrics.registry.contentType);
  };
}
