import type { Context, Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { ConnectorHandle } from '../actors/system/connector-manager.ts';
import type { WebhookSecretStore } from '../actors/webhooks/webhook-secret-store.ts';
import type { ConnectorConfig } from '../config/schema.ts';
import { createWebhookRoute, type WebhookConnector, type WebhookRouteDeps, type WebhookSource } from './create-webhook-route.ts';
import { HttpError } from './http-error.ts';
import { verifyNotionSignature } from './notion-signature.ts';
import { planNotionEvent } from './notion-webhook-event.ts';
import { pickNamedConnector } from './pick-named-connector.ts';
import { answer, type Json, parseJsonObject, refuseForNow, withRetryAfter } from './webhook-replies.ts';

/** Largest Notion delivery accepted, in bytes: events are thin signals of a few KB, so 1 MB is generous. */
export const NOTION_PAYLOAD_CAP_BYTES = 1024 * 1024;

/** The part of a connector handle the route uses; `ConnectorHandle` satisfies it. */
export type NotionWebhookConnector = WebhookConnector &
  Pick<ConnectorHandle, 'recordWebhookVerification'> & {
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
  /** Largest body accepted, in bytes. Default 1 MB. */
  maxBodyBytes?: number;
}

const PASTE_TOKEN = 'paste the token shown in the inlet log or in /webhooks/health into Notion to verify the subscription';

type SigningKey = { value: string; from: 'config' | 'store' };

/**
 * `POST /webhooks/notion[?connector=<name>]`: keeps the one-time verification token as the signing key, verifies
 * X-Notion-Signature over the raw body, drops redeliveries by event id, and hands page and data source events to the
 * connector, which calls the API for the content. Answers 200 at once and does no I/O besides the delivery log and
 * the key store. https://developers.notion.com/reference/webhooks
 */
export function createNotionWebhookRoute(options: NotionWebhookRouteOptions): Middleware {
  const { deps, logger, maxBodyBytes = NOTION_PAYLOAD_CAP_BYTES } = options;
  return createWebhookRoute(notionWebhookSource(deps, logger), { deps, logger, maxBodyBytes });
}

/** Notion's steps: the verification handshake or the signature, then the event. Notion retries up to 8 times on its own. */
function notionWebhookSource(deps: NotionWebhookDeps, logger: Logger): WebhookSource<NotionWebhookConnector, NotionWebhookConnector> {
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
        connector.recordWebhookVerification(token);
        // The one secret inlet logs on purpose: the user must copy it into Notion's UI to activate the subscription,
        // and until then it authenticates nothing. https://developers.notion.com/reference/webhooks
        logger.warn(`Notion webhook verification token for connector ${connector.name}: ${PASTE_TOKEN}`, {
          connector: connector.name,
          verification_token: token,
        });
        return answer(ctx, 200, { verified: false, message: PASTE_TOKEN });
      }
      // Only the key's holder can sign: a signed resend proves nothing new and changes nothing.
      if (verifyNotionSignature(key.value, raw, signature)) {
        if (key.from === 'store' && token === key.value) connector.recordWebhookVerification(token);
        return answer(ctx, 200, { verified: true, message: 'the subscription is already verified; the signing key is unchanged' });
      }
      // Replacing the key on an unsigned request would let anyone re-key the endpoint and then sign events.
      logger.warn('Notion verification request refused: a signing key is already known', { connector: connector.name, key_from: key.from });
      throw new HttpError(
        409,
        'ALREADY_VERIFIED',
        `connector ${connector.name} already has a signing key (${key.from === 'config' ? `connectors.${connector.name}.webhook_secret` : 'the token of an earlier verification'}); to verify a new subscription, see the Notion section of the README`,
      );
    });

  return {
    kind: 'notion',
    label: 'Notion',
    retryHint: 'Notion will retry',
    pick: (ctx, connectors) => pickNamedConnector(ctx, connectors, 'Notion'),
    async verify(ctx, raw, [connector]) {
      const signature = ctx.get('x-notion-signature') || undefined;
      // Unverified: the verification request is the one body Notion cannot sign, so it is recognised by its shape.
      const peeked = parseJsonObject(raw);
      const token = verificationTokenOf(peeked);
      if (token !== undefined) return void (await handshake(ctx, raw, connector, token, signature));

      const key = await signingKeyOf(ctx, deps, connector);
      if (key === undefined) {
        logger.error(`Notion delivery refused: connector ${connector.name} has no signing key; verify the webhook subscription first`, {
          connector: connector.name,
          key: `connectors.${connector.name}.webhook_secret`,
        });
        refuseForNow(ctx, 'WEBHOOK_NOT_VERIFIED', 'this webhook subscription is not verified yet: no verification token was received and no webhook_secret is configured');
      }
      if (verifyNotionSignature(key.value, raw, signature)) return connector;
      connector.recordWebhookRejection();
      logger.warn('Notion delivery refused: bad signature', {
        connector: connector.name,
        event_id: typeof peeked?.id === 'string' ? peeked.id : undefined,
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

/** `webhook_secret` when configured (it takes precedence), else the token kept from the verification request. */
async function signingKeyOf(ctx: Context, deps: NotionWebhookDeps, connector: NotionWebhookConnector): Promise<SigningKey | undefined> {
  if (connector.config.webhook_secret !== '') return { value: connector.config.webhook_secret, from: 'config' };
  const stored = await withRetryAfter(ctx, () => deps.webhookSecrets.get(connector.name));
  return stored ? { value: stored, from: 'store' } : undefined;
}

/** The token of Notion's one-time verification request: a JSON object whose only key is `verification_token`. */
function verificationTokenOf(body: Json | undefined): string | undefined {
  if (body === undefined) return undefined;
  const keys = Object.keys(body);
  const token = body.verification_token;
  return keys.length === 1 && typeof token === 'string' && token !== '' ? token : undefined;
}
