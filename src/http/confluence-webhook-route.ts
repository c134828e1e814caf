import type { Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { RateLimitedLog } from '../actors/log/rate-limited-log.ts';
import type { ConnectorConfig } from '../config/schema.ts';
import { verifyConfluenceSharedSecret, verifyConfluenceSignature } from './confluence-signature.ts';
import { planConfluenceEvent } from './confluence-webhook-event.ts';
import { createWebhookRoute, refusalLog, type WebhookConnector, type WebhookRouteDeps, type WebhookSource } from './create-webhook-route.ts';
import { HttpError } from './http-error.ts';
import { pickNamedConnector } from './pick-named-connector.ts';
import { parseJsonObject } from './webhook-replies.ts';
import { matchingSecret, webhookSecretsOf } from './webhook-secrets.ts';

/**
 * Largest Confluence delivery accepted, in bytes. Atlassian documents no cap for Confluence webhooks; page and blog post
 * events carry the page's metadata, not its body (the captured Cloud bodies are about 600 bytes, see
 * test/fixtures/README.md). 256 KB is the cap Atlassian documents for its Bitbucket Cloud webhooks
 * (https://jira.atlassian.com/browse/BCLOUD-22312), over 400 times a page event.
 */
export const CONFLUENCE_PAYLOAD_CAP_BYTES = 256 * 1024;
/** The header a Cloud relay (Forge/Connect app, automation rule) carries the shared secret in. */
export const CONFLUENCE_SECRET_HEADER = 'x-inlet-webhook-secret';

/** The part of a connector handle the route uses; `ConnectorHandle` satisfies it. */
export type ConfluenceWebhookConnector = WebhookConnector & { config: Pick<ConnectorConfig, 'webhook_secret'> };

/** The calls the route makes; `ConnectorManager` satisfies this structurally, tests pass a fake. */
export type ConfluenceWebhookDeps = WebhookRouteDeps<ConfluenceWebhookConnector>;

/** Options of `POST /webhooks/confluence`. */
export interface ConfluenceWebhookRouteOptions {
  deps: ConfluenceWebhookDeps;
  logger: Logger;
  /** Where refused deliveries are logged, rate-limited (anonymous clients cause them). Default: the logger. */
  refusals?: RateLimitedLog;
  /** Largest body accepted, in bytes. Default `CONFLUENCE_PAYLOAD_CAP_BYTES`. */
  maxBodyBytes?: number;
}

/**
 * `POST /webhooks/confluence[?connector=<name>][&event=<name>]`: authenticates the delivery by X-Hub-Signature
 * (Data Center: HMAC-SHA256 of the raw body with the webhook secret) or X-Inlet-Webhook-Secret (a Cloud relay),
 * drops redeliveries by page id + version, and hands page and blog post events to the connector, which fetches the
 * page. Answers at once; no I/O besides the delivery log.
 */
export function createConfluenceWebhookRoute(options: ConfluenceWebhookRouteOptions): Middleware {
  const { deps, logger, refusals, maxBodyBytes = CONFLUENCE_PAYLOAD_CAP_BYTES } = options;
  return createWebhookRoute(confluenceWebhookSource(refusalLog(logger, refusals)), { deps, logger, maxBodyBytes });
}

/** Confluence's steps: a signature or a shared secret, then the page event. Data Center does not retry failed deliveries. */
function confluenceWebhookSource(refused: Pick<Logger, 'warn'>): WebhookSource<ConfluenceWebhookConnector, ConfluenceWebhookConnector> {
  return {
    kind: 'confluence',
    label: 'Confluence',
    retryHint: 'retry later',
    pick: (ctx, connectors) => pickNamedConnector(ctx, connectors, 'Confluence'),
    verify(ctx, raw, [connector]) {
      const signature = ctx.get('x-hub-signature') || undefined;
      const shared = ctx.get(CONFLUENCE_SECRET_HEADER) || undefined;
      const secrets = webhookSecretsOf(connector.config);
      const slot = matchingSecret(secrets, (secret) =>
        signature !== undefined ? verifyConfluenceSignature(secret, raw, signature) : verifyConfluenceSharedSecret(secret, shared),
      );
      if (slot !== undefined) {
        connector.recordWebhookSecretMatch(slot);
        return connector;
      }
      connector.recordWebhookRejection();
      const reason =
        secrets.length === 0
          ? `connectors.${connector.name}.webhook_secret is not set, so no delivery can be verified`
          : signature !== undefined
            ? 'X-Hub-Signature does not match the body'
            : shared !== undefined
              ? 'X-Inlet-Webhook-Secret does not match'
              : 'neither X-Hub-Signature nor X-Inlet-Webhook-Secret is present';
      refused.warn('Confluence delivery refused', { connector: connector.name, reason, body_bytes: raw.length });
      throw new HttpError(401, 'BAD_SIGNATURE', reason);
    },
    parse(_ctx, raw) {
      const body = parseJsonObject(raw);
      if (body === undefined) throw new HttpError(400, 'BAD_JSON', 'the body is not a JSON object');
      return body;
    },
    plan(ctx, body, connector) {
      const plan = planConfluenceEvent(body, typeof ctx.query.event === 'string' ? ctx.query.event : undefined);
      if ('malformed' in plan) throw new HttpError(400, 'BAD_EVENT', `the event has no ${plan.malformed}`);
      if ('ignored' in plan) return { answer: { status: 200, body: { ignored: true, reason: plan.ignored } } };
      return { deliver: [{ connector, message: plan.deliver }] };
    },
    accepted: () => ({ status: 200, body: { accepted: true } }),
  };
}
