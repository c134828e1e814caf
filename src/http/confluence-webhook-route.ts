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
/**
 * How far a signed delivery's `timestamp` (milliseconds) may be from now, either way: 5 minutes, the tolerance of
 * Standard Webhooks' reference library. Data Center signs the whole body, so its `timestamp` is authentic, and it sends
 * each event once, at once (it does not retry), so only a replay or a clock wrong by minutes is outside it. A constant:
 * widening it only widens the replay window, and a wrong clock is to be fixed, not configured around.
 */
export const CONFLUENCE_REPLAY_WINDOW_MS = 5 * 60_000;

/** Below this a `timestamp` is not milliseconds since the epoch (2001-09-09), so it is not judged. */
const MS_EPOCH_FLOOR = 1e12;

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
  /** The clock signed timestamps are judged by (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

/** A verified delivery: its connector, and whether the body itself was signed (X-Hub-Signature) or only a header was. */
interface VerifiedDelivery {
  connector: ConfluenceWebhookConnector;
  bodySigned: boolean;
}

/**
 * `POST /webhooks/confluence[?connector=<name>][&event=<name>]`: authenticates the delivery by X-Hub-Signature
 * (Data Center: HMAC-SHA256 of the raw body with the webhook secret) or X-Inlet-Webhook-Secret (a Cloud relay),
 * drops redeliveries by page id + version, and hands page and blog post events to the connector, which fetches the
 * page. Answers at once; no I/O besides the delivery log.
 */
export function createConfluenceWebhookRoute(options: ConfluenceWebhookRouteOptions): Middleware {
  const { deps, logger, refusals, maxBodyBytes = CONFLUENCE_PAYLOAD_CAP_BYTES, now = Date.now } = options;
  return createWebhookRoute(confluenceWebhookSource(refusalLog(logger, refusals), now), { deps, logger, maxBodyBytes });
}

/** Confluence's steps: a signature or a shared secret, then the page event. Data Center does not retry failed deliveries. */
function confluenceWebhookSource(refused: Pick<Logger, 'warn'>, now: () => number): WebhookSource<ConfluenceWebhookConnector, VerifiedDelivery> {
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
        return { connector, bodySigned: signature !== undefined };
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
    plan(ctx, body, { connector, bodySigned }) {
      // Only a signed body's timestamp can be believed; a relay's header secret says nothing about when it was sent.
      const sentAt = body.timestamp;
      if (bodySigned && typeof sentAt === 'number' && sentAt >= MS_EPOCH_FLOOR && Math.abs(now() - sentAt) > CONFLUENCE_REPLAY_WINDOW_MS) {
        refused.warn('Confluence delivery refused: signed timestamp outside the replay window', { connector: connector.name, timestamp: sentAt });
        throw new HttpError(400, 'STALE_DELIVERY', `the signed timestamp is more than ${CONFLUENCE_REPLAY_WINDOW_MS / 60_000} minutes from this server's clock`);
      }
      const plan = planConfluenceEvent(body, typeof ctx.query.event === 'string' ? ctx.query.event : undefined);
      if ('malformed' in plan) throw new HttpError(400, 'BAD_EVENT', `the event has no ${plan.malformed}`);
      if ('ignored' in plan) return { answer: { status: 200, body: { ignored: true, reason: plan.ignored } } };
      return { deliver: [{ connector, message: plan.deliver }] };
    },
    accepted: () => ({ status: 200, body: { accepted: true } }),
  };
}
