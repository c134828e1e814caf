import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { SearchFn } from '../actors/search/search-documents.ts';
import type { ConnectorManager } from '../actors/system/connector-manager.ts';
import { adminGuard } from './admin-guard.ts';
import { createConfluenceWebhookRoute } from './confluence-webhook-route.ts';
import { errorMiddleware } from './error-middleware.ts';
import { createGithubWebhookRoute } from './github-webhook-route.ts';
import { HttpError } from './http-error.ts';
import { createNotionWebhookRoute } from './notion-webhook-route.ts';
import { createSearchRoute } from './search-route.ts';

/** What the HTTP layer talks to. */
export interface AppDeps {
  manager: ConnectorManager;
  logger: Logger;
  /** `server.admin_token`; empty allows admin operations from loopback only. */
  adminToken: string;
  /** Accept unsigned GitHub deliveries (INLET_ALLOW_UNSIGNED_WEBHOOKS=1, development only). Default false. */
  allowUnsignedWebhooks?: boolean;
  /** Search over the stores (`searchDocuments` bound to the backends); absent, GET /search answers 503. */
  search?: SearchFn;
}

/** The Koa app: health, queue stats and the runbook's operations. `main` is the only caller of `listen`. */
export function createApp({ manager, logger, adminToken, allowUnsignedWebhooks, search }: AppDeps): Koa {
  const app = new Koa();
  const router = new Router();
  const admin = adminGuard(adminToken);

  const connectorOr404 = (name: string) => {
    const handle = manager.connector(name);
    if (!handle) throw new HttpError(404, 'UNKNOWN_CONNECTOR', `no connector named '${name}'; known: ${manager.connectorNames().join(', ') || 'none'}`);
    return handle;
  };

  router.get('/webhooks/health', async (ctx) => {
    const report = await manager.health();
    // Load balancers read the status code: only a queue outage takes the instance out.
    ctx.status = report.status === 'unhealthy' ? 503 : 200;
    ctx.body = report;
  });

  router.post('/webhooks/github', createGithubWebhookRoute({ deps: manager, logger, allowUnsignedWebhooks }));
  router.post('/webhooks/notion', createNotionWebhookRoute({ deps: manager, logger }));
  router.post('/webhooks/confluence', createConfluenceWebhookRoute({ deps: manager, logger }));

  router.get('/search', createSearchRoute(search));

  router.get('/queue/stats', async (ctx) => {
    ctx.body = await manager.getQueueStats();
  });

  router.get('/queue/dead-letters', async (ctx) => {
    const limit = Number(ctx.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new HttpError(400, 'BAD_LIMIT', 'limit must be an integer from 1 to 10000');
    ctx.body = { dead_letters: await manager.queue.deadLetters(limit) };
  });

  router.delete('/queue', admin, async (ctx) => {
    await manager.queue.clear();
    logger.warn('queue cleared through the API');
    ctx.body = await manager.getQueueStats();
  });

  router.get('/connectors/:name/breaker', (ctx) => {
    ctx.body = connectorOr404(ctx.params.name).circuitBreaker.getStats();
  });

  router.post('/connectors/:name/breaker/reset', admin, (ctx) => {
    const handle = connectorOr404(ctx.params.name);
    handle.circuitBreaker.reset();
    logger.warn('circuit breaker reset through the API', { connector: handle.name });
    ctx.body = handle.circuitBreaker.getStats();
  });

  router.post('/connectors/:name/poll', (ctx) => {
    connectorOr404(ctx.params.name).pollNow();
    ctx.status = 202;
    ctx.body = { accepted: true };
  });

  app.use(errorMiddleware(logger));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
