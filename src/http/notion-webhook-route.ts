import type { Context, Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { RateLimitedLog } from '../actors/log/rate-limited-log.ts';
import type { ConnectorHandle } from '../actors/system/connector-manager.ts';
import type { WebhookSecretStore } from '../actors/webhooks/webhook-secret-store.ts';
import type { ConnectorConfig } from '../config/schema.ts';
import { createWebhookRoute, refusalLog, type WebhookConnector, type WebhookRouteDeps, type WebhookSource } from './create-webhook-route.ts';
import { HttpError } from './http-error.ts';
import { verifyNotionSignature } from './notion-signature.ts';
import { planNotionEvent } from './notion-webhook-event.ts';
import { pickNamedConnector } from './pick-named-connector.ts';
import { answer, type Json, parseJsonObject, refuseForNow, withRetryAfter } from './webhook-replies.ts';
import { matchingSecret, webhookSecretsOf } from './webhook-secrets.ts';

/**
 * Largest Notion delivery accepted, in bytes. Notion documents no payload cap, but its events are thin signals (type,
 * ids, authors; no content): the documented samples are 0.8 to 1.2 KB
 * (https://developers.notion.com/reference/webhooks-events-delivery). 64 KB leaves fifty times that for an aggregated
 * event's author list while an unsigned body costs at most one 64 KB HMAC.
 */
export const NOTION_PAYLOAD_CAP_BYTES = 64 * 1024;

/**
 * Largest body recognised as the verification handshake, the one unsigned request: `{"verification_token":
 * "secret_…"}` is 81 bytes in Notion's docs. Only a body this small is parsed before its signature is checked.
 */
export const NOTION_HANDSHAKE_MAX_BYTES = 1024;

/** The part of a connector handle the route uses; `ConnectorHandle` satisfies it. */
export type NotionWebhookConnector = WebhookConnector &
  Pick<ConnectorHandle, 'recordWebhookSecretMatch'> & {
    config: Pick<ConnectorConfig, 'webhook_secret'>;
  };

/** The calls the route makes; `ConnectorManager` satisfies this structurally, tests pass a fake. */
export interface NotionWebhookDeps extends WebhookRouteDeps<NotionWebhookConnector> {
  readonly webhookSecrets: WebhookSecretStore;
}

/** Options of `POST /webhooks/notion`. */
export interface NotionWebhookRouteOptions {
  deps: NotionWebhookDeps;
  logger: Logger;
  /** Where refused deliveries are logged, rate-limited (anonymous clients cause them). Default: the logger. */
  refusals?: RateLimitedLog;
  /** Largest body accepted, in bytes. Default `NOTION_PAYLOAD_CAP_BYTES`. */
  maxBodyBytes?: number;
}

/** Where an admin reads a stored verification token (the route is in create-app.ts). */
export const verificationTokenPath = (connector: string) => `/connectors/${connector}/webhook-verification`;

const pasteToken = (connector: string) =>
  `an admin reads the token with \`inlet webhook verification ${connector}\` (GET ${verificationTokenPath(connector)}, admin token) and pastes it into Notion to verify the subscription`;

type SigningKey = { values: string[]; from: 'config' | 'store' };

/**
 * `POST /webhooks/notion[?connector=<name>]`: keeps the one-time verification token as the signing key, verifies
 * X-Notion-Signature over the raw body, drops redeliveries by event id, and hands page and data source events to the
 * connector, which calls the API for the content. Answers 200 at once and does no I/O besides the delivery log and
 * the key store. https://developers.notion.com/reference/webhooks
 */
export function createNotionWebhookRoute(options: NotionWebhookRouteOptions): Middleware {
  const { deps, logger, refusals, maxBodyBytes = NOTION_PAYLOAD_CAP_BYTES } = options;
  return createWebhookRoute(notionWebhookSource(deps, logger, refusalLog(logger, refusals)), { deps, logger, maxBodyBytes });
}

/** Notion's steps: the verification handshake or the signature, then the event. Notion retries up to 8 times on its own. */
function notionWebhookSource(deps: NotionWebhookDeps, logger: Logger, refused: Pick<Logger, 'warn'>): WebhookSource<NotionWebhookConnector, NotionWebhookConnector> {
  const handshakes = new Map<string, Promise<unknown>>();

  /** Runs `fn` after any handshake of the same connector in this process, so two cannot both find no key. */
  const oneHandshakeAtATime = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const run = (handshakes.get(name) ?? Promise.resolve()).then(fn, fn);
    const settled = run.catch(() => undefined);
    handshakes.set(name, settled);
    try {
      return await run;
    } finally {
      if (handshakes.get(name) === settled) handshakes.delete(name);
    }
  };

  /** Keeps the token of the first verification request as the signing key; answers every later one. */
  const handshake = (ctx: Context, raw: Buffer, connector: NotionWebhookConnector, token: string, signature: string | undefined) =>
    oneHandshakeAtATime(connector.name, async () => {
      const key = await signingKeyOf(ctx, deps, connector);
      if (key === undefined) {
        // Trust on first use, as Notion's design requires: the token cannot be known before this request. A forged
        // first token does no harm beyond a stuck set-up, because Notion refuses a pasted token it did not send.
        await deps.webhookSecrets.set(connector.name, token);
        // Issue 13: the token is the HMAC key of every later event, so it is never logged nor shown in health; an admin
        // reads it from the admin-only route. https://developers.notion.com/reference/webhooks
        logger.warn(`Notion webhook verification token stored for connector ${connector.name}: ${pasteToken(connector.name)}`, {
          connector: connector.name,
        });
        return answer(ctx, 200, { verified: false, message: pasteToken(connector.name) });
      }
      // Only the key's holder can sign: a signed resend proves nothing new and changes nothing.
      if (matchingSecret(key.values, (value) => verifyNotionSignature(value, raw, signature)) !== undefined) {
        return answer(ctx, 200, { verified: true, message: 'the subscription is already verified; the signing key is unchanged' });
      }
      // Replacing the key on an unsigned request would let anyone re-key the endpoint and then sign events.
      refused.warn('Notion verification request refused: a signing key is already known', { connector: connector.name, key_from: key.from });
      throw new HttpError(
        409,
        'ALREADY_VERIFIED',
        `connector ${connector.name} already has a signing key (${key.from === 'config' ? `connectors.${connector.name}.webhook_secret` : `the token of an earlier verification; an admin forgets it with DELETE ${verificationTokenPath(connector.name)}`}); to verify a new subscription, see the Notion section of the README`,
      );
    });

  return {
    kind: 'notion',
    label: 'Notion',
    retryHint: 'Notion will retry',
    pick: (ctx, connectors) => pickNamedConnector(ctx, connectors, 'Notion'),
    async verify(ctx, raw, [connector]) {
      const signature = ctx.get('x-notion-signature') || undefined;
      // The verification request is the one body Notion cannot sign, so it is recognised by its shape; only a body as
      // small as a handshake is parsed unverified, every other body is checked against the key first.
      const token = raw.length <= NOTION_HANDSHAKE_MAX_BYTES ? verificationTokenOf(parseJsonObject(raw)) : undefined;
      if (token !== undefined) return void (await handshake(ctx, raw, connector, token, signature));

      const key = await signingKeyOf(ctx, deps, connector);
      if (key === undefined) {
        logger.error(`Notion delivery refused: connector ${connector.name} has no signing key; verify the webhook subscription first`, {
          connector: connector.name,
          key: `connectors.${connector.name}.webhook_secret`,
        });
        refuseForNow(ctx, 'WEBHOOK_NOT_VERIFIED', 'this webhook subscription is not verified yet: no verification token was received and no webhook_secret is configured');
      }
      const slot = matchingSecret(key.values, (value) => verifyNotionSignature(value, raw, signature));
      if (slot !== undefined) {
        connector.recordWebhookSecretMatch(slot);
        return connector;
      }
      connector.recordWebhookRejection();
      refused.warn('Notion delivery refused: bad signature', {
        connector: connector.name,
        reason: signature === undefined ? 'no X-Notion-Signature header' : 'X-Notion-Signature does not match the signing key',
        body_bytes: raw.length,
      });
      throw new HttpError(401, 'BAD_SIGNATURE', signature === undefined ? 'X-Notion-Signature is missing' : 'X-Notion-Signature does not match the body');
    },
    parse(_ctx, raw) {
      const body = parseJsonObject(raw);
      if (body === undefined) throw new HttpError(400, 'BAD_JSON', 'the body is not a JSON object');
      if (typeof body.id !== 'string' || body.id === '') throw new HttpError(400, 'MISSING_EVENT_ID', 'the event has no id');
      return body;
    },
    plan(_ctx, body, connector) {
      const plan = planNotionEvent(body);
      if ('malformed' in plan) throw new HttpError(400, 'BAD_EVENT', `the event has no ${plan.malformed}`);
      if ('ignored' in plan) return { answer: { status: 200, body: { ignored: true, reason: plan.ignored } } };
      // The event id is the same on every retry of one event (attempt_number 1 to 8).
      const message = { deliveryId: String(body.id), event: plan.deliver.type, payload: plan.deliver, coalesceKey: plan.coalesceKey };
      return { deliver: [{ connector, message }] };
    },
    accepted: () => ({ status: 200, body: { accepted: true } }),
  };
}

/** `webhook_secret` (one or `[current, previous]`) when configured, it takes precedence; else the stored token. */
async function signingKeyOf(ctx: Context, deps: NotionWebhookDeps, connector: NotionWebhookConnector): Promise<SigningKey | undefined> {
  const configured = webhookSecretsOf(connector.config);
  if (configured.length > 0) return { values: configured, from: 'config' };
  const stored = await withRetryAfter(ctx, () => deps.webhookSecrets.get(connector.name));
  return stored ? { values: [stored], from: 'store' } : undefined;
}

/** The token of Notion's one-time verification request: a JSON object whose only key is `verification_token`. */
function verificationTokenOf(body: Json | undefined): string | undefined {
  if (body === undefined) return undefined;
  const keys = Object.keys(body);
  const token = body.verification_token;
  return keys.length === 1 && typeof token === 'string' && token !== '' ? token : undefined;
}
