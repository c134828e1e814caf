import type { Context, Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { ConnectorHandle } from '../actors/system/connector-manager.ts';
import type { DeliveryLog } from '../actors/webhooks/delivery-log.ts';
import type { WebhookSecretStore } from '../actors/webhooks/webhook-secret-store.ts';
import type { ConnectorConfig } from '../config/schema.ts';
import { HttpError } from './http-error.ts';
import { verifyNotionSignature } from './notion-signature.ts';
import { planNotionEvent } from './notion-webhook-event.ts';
import { readRawBody } from './read-raw-body.ts';
import { answer, type Json, parseJsonObject, refuseForNow, withRetryAfter } from './webhook-replies.ts';

/** Largest Notion delivery accepted, in bytes: events are thin signals of a few KB, so 1 MB is generous. */
export const NOTION_PAYLOAD_CAP_BYTES = 1024 * 1024;

/** The part of a connector handle the route uses; `ConnectorHandle` satisfies it. */
export type NotionWebhookConnector = Pick<ConnectorHandle, 'name' | 'deliverWebhook' | 'recordWebhookRejection' | 'recordWebhookVerification'> & {
  config: Pick<ConnectorConfig, 'webhook_secret'>;
};

/** The calls the route makes; `ConnectorManager` satisfies this structurally, tests pass a fake. */
export interface NotionWebhookDeps {
  connectorsOfKind(kind: string): NotionWebhookConnector[];
  readonly deliveries: Pick<DeliveryLog, 'firstDelivery' | 'forget'>;
  readonly webhookSecrets: WebhookSecretStore;
  queueState(): { state: string; full: boolean };
}

/** Options of `POST /webhooks/notion`. */
export interface NotionWebhookRouteOptions {
  deps: NotionWebhookDeps;
  logger: Logger;
  /** Largest body accepted, in bytes. Default 1 MB. */
  maxBodyBytes?: number;
}

/** Notion retries a failed delivery on its own schedule (up to 8 attempts); this is a hint for anything else. */
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

  return async (ctx) => {
    const connector = pickConnector(deps.connectorsOfKind('notion'), ctx.query.connector);
    const raw = await readRawBody(ctx.req, maxBodyBytes);
    const signature = ctx.get('x-notion-signature') || undefined;
    const body = parseJsonObject(raw);
    const token = verificationTokenOf(body);

    if (token !== undefined) {
      return oneHandshakeAtATime(connector.name, async () => {
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
    }

    const key = await signingKeyOf(ctx, deps, connector);
    if (key === undefined) {
      logger.error(`Notion delivery refused: connector ${connector.name} has no signing key; verify the webhook subscription first`, {
        connector: connector.name,
        key: `connectors.${connector.name}.webhook_secret`,
      });
      refuseForNow(ctx, 'WEBHOOK_NOT_VERIFIED', 'this webhook subscription is not verified yet: no verification token was received and no webhook_secret is configured');
    }
    if (!verifyNotionSignature(key.value, raw, signature)) {
      connector.recordWebhookRejection();
      logger.warn('Notion delivery refused: bad signature', {
        connector: connector.name,
        event_id: typeof body?.id === 'string' ? body.id : undefined,
        reason: signature === undefined ? 'no X-Notion-Signature header' : 'X-Notion-Signature does not match the signing key',
        body_bytes: raw.length,
      });
      throw new HttpError(401, 'BAD_SIGNATURE', signature === undefined ? 'X-Notion-Signature is missing' : 'X-Notion-Signature does not match the body');
    }

    if (body === undefined) throw new HttpError(400, 'BAD_JSON', 'the body is not a JSON object');
    const eventId = body.id;
    if (typeof eventId !== 'string' || eventId === '') throw new HttpError(400, 'MISSING_EVENT_ID', 'the event has no id');
    const plan = planNotionEvent(body);
    if ('malformed' in plan) throw new HttpError(400, 'BAD_EVENT', `the event has no ${plan.malformed}`);
    if ('ignored' in plan) return answer(ctx, 200, { ignored: true, reason: plan.ignored });

    // Before the delivery log: a 503 must leave the id unrecorded, or Notion's retry would be taken for a duplicate.
    const queue = deps.queueState();
    if (queue.state === 'unreachable') refuseForNow(ctx, 'QUEUE_UNAVAILABLE', 'the ingestion queue is unreachable; Notion will retry');
    if (queue.full) refuseForNow(ctx, 'QUEUE_FULL', 'the ingestion queue is full; Notion will retry');

    // The event id is the same on every retry of one event (attempt_number 1 to 8).
    const first = await withRetryAfter(ctx, () => deps.deliveries.firstDelivery(`notion:${connector.name}`, eventId));
    if (!first) return answer(ctx, 200, { duplicate: true });
    if (!connector.deliverWebhook({ deliveryId: eventId, event: plan.deliver.type, payload: plan.deliver, coalesceKey: plan.coalesceKey })) {
      // Forget it, so Notion's retry is handled instead of being answered as a duplicate.
      await deps.deliveries.forget(`notion:${connector.name}`, eventId);
      logger.warn('Notion delivery refused: connector webhook buffer full', { event_id: eventId, connector: connector.name });
      refuseForNow(ctx, 'WEBHOOK_BUFFER_FULL', `connector ${connector.name} has too many webhooks waiting; retry later`);
    }
    logger.info('Notion event accepted', { event_id: eventId, connector: connector.name, type: plan.deliver.type });
    return answer(ctx, 200, { accepted: true });
  };
}

/** The single Notion connector, or the one `?connector=` names when there are several. */
function pickConnector(connectors: NotionWebhookConnector[], query: string | string[] | undefined): NotionWebhookConnector {
  if (connectors.length === 0) throw new HttpError(404, 'NO_NOTION_CONNECTOR', 'no Notion connector is configured on this service');
  const names = connectors.map((c) => c.name).join(', ');
  if (query === undefined) {
    if (connectors.length === 1) return connectors[0];
    throw new HttpError(400, 'CONNECTOR_REQUIRED', `several Notion connectors are configured (${names}): add ?connector=<name> to the subscription URL`);
  }
  const chosen = typeof query === 'string' ? connectors.find((c) => c.name === query) : undefined;
  if (!chosen) throw new HttpError(404, 'NO_NOTION_CONNECTOR', `no Notion connector named '${String(query)}'; known: ${names}`);
  return chosen;
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

