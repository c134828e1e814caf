import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import { createInletMetrics, type WebhookOutcome } from '../actors/metrics/index.ts';
import type { RateLimitedLog } from '../actors/log/rate-limited-log.ts';
import { createSecretScrubber } from '../actors/log/secret-scrubber.ts';
import type { SearchFn } from '../actors/search/search-documents.ts';
import type { ConnectorManager } from '../actors/system/connector-manager.ts';
import { redactHealthReport } from '../actors/system/health-report.ts';
import { createAccess, grantsRole } from './access.ts';
import { createConfluenceWebhookRoute } from './confluence-webhook-route.ts';
import { errorMiddleware } from './error-middleware.ts';
import { createGithubWebhookRoute } from './github-webhook-route.ts';
import { HttpError } from './http-error.ts';
import { createMcpOriginCheck } from './mcp-origin-check.ts';
import { createMcpRoute } from './mcp-route.ts';
import type { McpSessions } from './mcp-sessions.ts';
import { createMetricsRoute } from './metrics-route.ts';
import { createNotionWebhookRoute } from './notion-webhook-route.ts';
import { createSearchRoute } from './search-route.ts';
import { createWebhookVerificationTokenRoutes } from './webhook-verification-route.ts';

/** Dead letters counted for the queue-clear log line; past it the line says "or more". */
const DEAD_LETTERS_COUNTED = 10_000;

/** What the HTTP layer talks to. */
export interface AppDeps {
  manager: ConnectorManager;
  logger: Logger;
  /** `server.admin_token`: the admin role (and reader). Empty: see `createAccess`. */
  adminToken: string;
  /** `server.read_token`: the reader role. Default empty. */
  readToken?: string;
  /** `server.host`, for the tokenless loopback rule; absent, each connection's local address (see `createAccess`). */
  bindHost?: string;
  /** `server.trust_proxy`: the client address (`ctx.ip`, in logs) is the right-most X-Forwarded-For entry. Default false. */
  trustProxy?: boolean;
  /** Configured secret values (`secretsOf(config)`), scrubbed from the health report. Default none (patterns still apply). */
  secrets?: string[];
  /** Where refused requests are counted; absent, they are not logged. */
  refusals?: RateLimitedLog;
  /** Accept unsigned GitHub deliveries (INLET_ALLOW_UNSIGNED_WEBHOOKS=1, development only). Default false. */
  allowUnsignedWebhooks?: boolean;
  /** Search over the stores (`searchDocuments` bound to the backends); absent, GET /search answers 503. */
  search?: SearchFn;
  /** The MCP sessions `/mcp` serves (Streamable HTTP, issue 15); absent, there is no `/mcp`. The caller closes them at shutdown. */
  mcp?: McpSessions;
}

/**
 * The Koa app: health, queue stats and the runbook's operations, each route with its role (SECURITY.md): public
 * (webhooks, /livez, /readyz, the status of /webhooks/health), reader, admin. `main` is the only caller of `listen`.
 */
export function createApp(deps: AppDeps): Koa {
  const { manager, logger, allowUnsignedWebhooks, search } = deps;
  const app = new Koa();
  // One proxy we run appends the client's address last; entries left of it are whatever the client sent.
  app.proxy = deps.trustProxy ?? false;
  app.maxIpsCount = 1;
  const router = new Router();
  const access = createAccess({ adminToken: deps.adminToken, readToken: deps.readToken ?? '', bindHost: deps.bindHost, refusals: deps.refusals });
  const reader = access.require('reader');
  const admin = access.require('admin');
  const scrub = createSecretScrubber(deps.secrets ?? []);
  // A registry per app, not prom-client's global one: tests run several apps in one process.
  const metrics = createInletMetrics(manager);

  const connectorOr404 = (name: string) => {
    const handle = manager.connector(name);
    if (!handle) throw new HttpError(404, 'UNKNOWN_CONNECTOR', `no connector named '${name}'; known: ${manager.connectorNames().join(', ') || 'none'}`);
    return handle;
  };

  router.get('/webhooks/health', async (ctx) => {
    const report = await manager.health();
    // Load balancers read the status code: only a queue outage takes the instance out.
    ctx.status = report.status === 'unhealthy' ? 503 : 200;
    // The details name sources and carry upstream error text: readers get the runbook's shape (scrubbed of secrets),
    // anyone else the status. The default loopback bind lets the runbook's `curl localhost:8000/webhooks/health` in.
    const details = grantsRole(access.grantOf(ctx), 'reader');
    ctx.body = details ? redactHealthReport(report, scrub) : { status: report.status };
  });

  // Liveness: the process answers. Readiness: the queue is reachable (the same rule as health's 503).
  router.get('/livez', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ready = (await manager.health()).status !== 'unhealthy';
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready' };
  });

  const { refusals } = deps;
  // The webhook skeleton leaves sender and outcome in ctx.state; counted here, after the error middleware has answered.
  const countDelivery: Koa.Middleware = async (ctx, next) => {
    try {
      await next();
    } finally {
      const { webhookSource, webhookOutcome } = ctx.state as { webhookSource?: string; webhookOutcome?: WebhookOutcome };
      if (webhookSource && webhookOutcome) metrics.webhookDeliveries.count(webhookSource, webhookOutcome);
    }
  };
  router.use(['/webhooks/github', '/webhooks/notion', '/webhooks/confluence'], countDelivery);
  router.post('/webhooks/github', createGithubWebhookRoute({ deps: manager, logger, refusals, allowUnsignedWebhooks }));
  router.post('/webhooks/notion', createNotionWebhookRoute({ deps: manager, logger, refusals }));
  router.post('/webhooks/confluence', createConfluenceWebhookRoute({ deps: manager, logger, refusals }));
  // The Notion signing key: read once for Notion's UI, or forgotten to rotate it (issue 13).
  const verificationToken = createWebhookVerificationTokenRoutes(manager, logger);
  router.get('/connectors/:name/webhook-verification', admin, verificationToken.read);
  router.delete('/connectors/:name/webhook-verification', admin, verificationToken.forget);

  router.get('/search', reader, createSearchRoute(search));

  if (deps.mcp) {
    // A reader route that also refuses other sites' pages, token or not (DNS rebinding; the MCP transport spec).
    const mcp = [createMcpOriginCheck(deps.bindHost), reader, createMcpRoute(deps.mcp)];
    router.post('/mcp', ...mcp);
    router.get('/mcp', ...mcp);
    router.delete('/mcp', ...mcp);
  }

  router.get('/metrics', reader, createMetricsRoute(metrics));

  router.get('/queue/stats', reader, async (ctx) => {
    ctx.body = await manager.getQueueStats();
  });

  // Dead letters hold the events' content: admin, not reader.
  router.get('/queue/dead-letters', admin, async (ctx) => {
    const limit = Number(ctx.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new HttpError(400, 'BAD_LIMIT', 'limit must be an integer from 1 to 10000');
    ctx.body = { dead_letters: await manager.queue.deadLetters(limit) };
  });

  router.delete('/queue', admin, async (ctx) => {
    // The runbook calls this testing only, and what it removes is lost for good (the cursors moved past it).
    if (ctx.query.confirm !== 'true') throw new HttpError(400, 'CONFIRM_REQUIRED', 'clearing the queue loses its events for good; repeat as DELETE /queue?confirm=true');
    const before = await manager.getQueueStats();
    const deadLetters = (await manager.queue.deadLetters(DEAD_LETTERS_COUNTED)).length;
    await manager.queue.clear();
    logger.warn('queue cleared through the API', {
      queue_name: before.queue_name,
      removed_waiting: before.size,
      removed_dead_letters: deadLetters >= DEAD_LETTERS_COUNTED ? `${DEAD_LETTERS_COUNTED} or more` : deadLetters,
      client: ctx.ip,
    });
    ctx.body = await manager.getQueueStats();
  });

  router.get('/connectors/:name/breaker', reader, (ctx) => {
    ctx.body = connectorOr404(ctx.params.name).circuitBreaker.getStats();
  });

  router.post('/connectors/:name/breaker/reset', admin, (ctx) => {
    const handle = connectorOr404(ctx.params.name);
    handle.circuitBreaker.reset();
    logger.warn('circuit breaker reset through the API', { connector: handle.name });
    ctx.body = handle.circuitBreaker.getStats();
  });

  // A poll spends the source's rate limit: admin.
  router.post('/connectors/:name/poll', admin, (ctx) => {
    connectorOr404(ctx.params.name).pollNow();
    ctx.status = 202;
    ctx.body = { accepted: true };
  });

  app.use(errorMiddleware(logger));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
