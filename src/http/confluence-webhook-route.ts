import type { Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { ConnectorHandle } from '../actors/system/connector-manager.ts';
import type { DeliveryLog } from '../actors/webhooks/delivery-log.ts';
import type { ConnectorConfig } from '../config/schema.ts';
import { verifyConfluenceSharedSecret, verifyConfluenceSignature } from './confluence-signature.ts';
import { planConfluenceEvent } from './confluence-webhook-event.ts';
import { HttpError } from './http-error.ts';
import { readRawBody } from './read-raw-body.ts';
import { answer, parseJsonObject, refuseForNow, withRetryAfter } from './webhook-replies.ts';

/** Largest Confluence delivery accepted, in bytes: page events carry metadata, not bodies, so 1 MB is generous. */
export const CONFLUENCE_PAYLOAD_CAP_BYTES = 1024 * 1024;
/** The header a Cloud relay (Forge/Connect app, automation rule) carries the shared secret in. */
export const CONFLUENCE_SECRET_HEADER = 'x-inlet-webhook-secret';

/** The part of a connector handle the route uses; `ConnectorHandle` satisfies it. */
export type ConfluenceWebhookConnector = Pick<ConnectorHandle, 'name' | 'deliverWebhook' | 'recordWebhookRejection'> & {
  config: Pick<ConnectorConfig, 'webhook_secret'>;
};

/** The calls the route makes; `ConnectorManager` satisfies this structurally, tests pass a fake. */
export interface ConfluenceWebhookDeps {
  connectorsOfKind(kind: string): ConfluenceWebhookConnector[];
  readonly deliveries: Pick<DeliveryLog, 'firstDelivery' | 'forget'>;
  queueState(): { state: string; full: boolean };
}

/** Options of `POST /webhooks/confluence`. */
export interface ConfluenceWebhookRouteOptions {
  deps: ConfluenceWebhookDeps;
  logger: Logger;
  /** Largest body accepted, in bytes. Default 1 MB. */
  maxBodyBytes?: number;
}

/** A hint for the sender; Data Center does not retry failed deliveries, and the next poll finds the change anyway. */

/**
 * `POST /webhooks/confluence[?connector=<name>][&event=<name>]`: authenticates the delivery by X-Hub-Signature
 * (Data Center: HMAC-SHA256 of the raw body with the webhook secret) or X-Inlet-Webhook-Secret (a Cloud relay),
 * drops redeliveries by page id + version, and hands page and blog post events to the connector, which fetches the
 * page. Answers at once; no I/O besides the delivery log.
 */
export function createConfluenceWebhookRoute(options: ConfluenceWebhookRouteOptions): Middleware {
  const { deps, logger, maxBodyBytes = CONFLUENCE_PAYLOAD_CAP_BYTES } = options;
  return async (ctx) => {
    const connector = pickConnector(deps.connectorsOfKind('confluence'), ctx.query.connector);
    const raw = await readRawBody(ctx.req, maxBodyBytes);
    const signature = ctx.get('x-hub-signature') || undefined;
    const shared = ctx.get(CONFLUENCE_SECRET_HEADER) || undefined;
    const secret = connector.config.webhook_secret;
    const verified = signature !== undefined ? verifyConfluenceSignature(secret, raw, signature) : verifyConfluenceSharedSecret(secret, shared);
    if (!verified) {
      connector.recordWebhookRejection();
      const reason =
        secret === ''
          ? `connectors.${connector.name}.webhook_secret is not set, so no delivery can be verified`
          : signature !== undefined
            ? 'X-Hub-Signature does not match the body'
            : shared !== undefined
              ? 'X-Inlet-Webhook-Secret does not match'
              : 'neither X-Hub-Signature nor X-Inlet-Webhook-Secret is present';
      logger.warn('Confluence delivery refused', { connector: connector.name, reason, body_bytes: raw.length });
      throw new HttpError(401, 'BAD_SIGNATURE', reason);
    }

    const body = parseJsonObject(raw);
    if (body === undefined) throw new HttpError(400, 'BAD_JSON', 'the body is not a JSON object');
    const plan = planConfluenceEvent(body, typeof ctx.query.event === 'string' ? ctx.query.event : undefined);
    if ('malformed' in plan) throw new HttpError(400, 'BAD_EVENT', `the event has no ${plan.malformed}`);
    if ('ignored' in plan) return answer(ctx, 200, { ignored: true, reason: plan.ignored });
    const { deliver } = plan;

    // Before the delivery log: a 503 must leave the delivery unrecorded, or a retry would be taken for a duplicate.
    const queue = deps.queueState();
    if (queue.state === 'unreachable') refuseForNow(ctx, 'QUEUE_UNAVAILABLE', 'the ingestion queue is unreachable; retry later');
    if (queue.full) refuseForNow(ctx, 'QUEUE_FULL', 'the ingestion queue is full; retry later');

    const source = `confluence:${connector.name}`;
    const first = await withRetryAfter(ctx, () => deps.deliveries.firstDelivery(source, deliver.deliveryId));
    if (!first) return answer(ctx, 200, { duplicate: true });
    if (!connector.deliverWebhook(deliver)) {
      // Forget it, so a retry is handled instead of being answered as a duplicate.
      await deps.deliveries.forget(source, deliver.deliveryId);
      logger.warn('Confluence delivery refused: connector webhook buffer full', { connector: connector.name, delivery_id: deliver.deliveryId });
      refuseForNow(ctx, 'WEBHOOK_BUFFER_FULL', `connector ${connector.name} has too many webhooks waiting; retry later`);
    }
    logger.info('Confluence event accepted', { connector: connector.name, event: deliver.event, delivery_id: deliver.deliveryId });
    return answer(ctx, 200, { accepted: true });
  };
}

/** The single Confluence connector, or the one `?connector=` names when there are several. */
function pickConnector(connectors: ConfluenceWebhookConnector[], query: string | string[] | undefined): ConfluenceWebhookConnector {
  if (connectors.length === 0) throw new HttpError(404, 'NO_CONFLUENCE_CONNECTOR', 'no Confluence connector is configured on this service');
  const names = connectors.map((c) => c.name).join(', ');
  if (query === undefined) {
    if (connectors.length === 1) return connectors[0]!;
    throw new HttpError(400, 'CONNECTOR_REQUIRED', `several Confluence connectors are configured (${names}): add ?connector=<name> to the webhook URL`);
  }
  const chosen = typeof query === 'string' ? connectors.find((c) => c.name === query) : undefined;
  if (!chosen) throw new HttpError(404, 'NO_CONFLUENCE_CONNECTOR', `no Confluence connector named '${String(query)}'; known: ${names}`);
  return chosen;
}

