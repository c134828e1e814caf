import type { Context, Middleware } from 'koa';
import type { WebhookOutcome } from '../actors/metrics/index.ts';
import { isQueueFullError, isQueueUnavailableError } from '../actors/queue/queue-errors.ts';
import type { Logger } from '../actors/log/logger.ts';
import type { RateLimitedLog } from '../actors/log/rate-limited-log.ts';
import type { ConnectorHandle } from '../actors/system/connector-manager.ts';
import type { DeliveryLog } from '../actors/webhooks/delivery-log.ts';
import type { WebhookMessage } from '../machines/connector.machine.ts';
import { HttpError } from './http-error.ts';
import { readRawBody } from './read-raw-body.ts';
import { answer, type Json, refuseForNow, withRetryAfter } from './webhook-replies.ts';

/** The part of a connector handle every webhook route uses; `ConnectorHandle` satisfies it. */
export type WebhookConnector = Pick<ConnectorHandle, 'name' | 'deliverWebhook' | 'recordWebhookRejection' | 'recordWebhookSecretMatch'>;

/** The calls the skeleton makes; `ConnectorManager` satisfies this structurally, tests pass a fake. */
export interface WebhookRouteDeps<C> {
  connectorsOfKind(kind: string): C[];
  readonly deliveries: Pick<DeliveryLog, 'firstDelivery' | 'forget'>;
  queueState(): { state: string; full: boolean };
}

/** An answer a source decides on its own (a ping, an ignored event). */
export interface WebhookAnswer {
  status: number;
  body: Json;
}

/** One connector's part of a verified delivery: the message to hand it, and what the "accepted" log line adds. */
export interface PlannedDelivery<C> {
  connector: C;
  message: WebhookMessage;
  logFields?: Record<string, unknown>;
}

/** What a source decided about a verified delivery: answer it without handing anything over, or deliver it. */
export type WebhookPlan<C> = { answer: WebhookAnswer } | { deliver: PlannedDelivery<C>[] };

/**
 * What is particular to one sender (GitHub, Notion, Confluence). The skeleton runs, in this order: pick → read the raw
 * body (capped by the route's `maxBodyBytes`) → `verify` over those bytes → `parse` → `plan` → admission (queue state)
 * → first delivery (delivery log) → hand over → forget on refusal.
 */
export interface WebhookSource<C extends WebhookConnector, Verified> {
  /** Connector kind (`connectorsOfKind`) and the delivery log's namespace: `github`. */
  kind: string;
  /** The sender's name in answers and logs: `GitHub`. */
  label: string;
  /** What a refused sender is told: `redeliver later`, `Notion will retry`. */
  retryHint: string;
  /** The connectors the request may be for, before its body is read (at least one is configured). Throws to refuse. */
  pick(ctx: Context, connectors: C[]): C[];
  /**
   * Authenticates the raw bytes: whatever later steps need (the connectors it is verified for). Throws an `HttpError`
   * to refuse; returns undefined when it has answered on its own (Notion's verification handshake).
   */
  verify(ctx: Context, raw: Buffer, picked: C[]): Verified | undefined | Promise<Verified | undefined>;
  /** The verified body as a JSON object, its required headers and fields checked. Throws 400 otherwise. */
  parse(ctx: Context, raw: Buffer, verified: Verified): Json;
  /** Each connector's part of the delivery, or an answer when nothing is to be handed over. No I/O. */
  plan(ctx: Context, body: Json, verified: Verified): WebhookPlan<C>;
  /** The answer once at least one connector took the delivery. */
  accepted(taken: PlannedDelivery<C>[]): WebhookAnswer;
}

/** Options of one webhook route. */
export interface WebhookRouteOptions<C> {
  deps: WebhookRouteDeps<C>;
  logger: Logger;
  /** Largest body accepted, in bytes: each sender has its own payload cap. */
  maxBodyBytes: number;
}

/**
 * Where a route writes what anonymous clients cause (a refused signature, a stale delivery): the rate-limited log when
 * the app has one (issue 13: 3,082 warn lines in one fuzz run), else the logger.
 */
export function refusalLog(logger: Logger, refusals: RateLimitedLog | undefined): Pick<Logger, 'warn'> {
  return refusals ?? logger;
}

/** A webhook route: the sender's steps inside the shared admission, idempotency and hand-over. */
export function createWebhookRoute<C extends WebhookConnector, Verified>(source: WebhookSource<C, Verified>, options: WebhookRouteOptions<C>): Middleware {
  const { deps, logger, maxBodyBytes } = options;
  const { kind, label, retryHint } = source;

  /**
   * Everything before the first I/O but the body itself. The raw body and its parsed form are held by no local of the
   * route, so they are garbage before the delivery log's round trip: under load, requests waiting on Redis would
   * otherwise keep their payloads alive through the young-generation collections.
   */
  const decide = async (ctx: Context, picked: C[], raw: Buffer): Promise<PlannedDelivery<C>[] | undefined> => {
    const verified = await source.verify(ctx, raw, picked);
    if (verified === undefined) return undefined;
    const plan = source.plan(ctx, source.parse(ctx, raw, verified), verified);
    if ('answer' in plan) return void answer(ctx, plan.answer.status, plan.answer.body);
    return plan.deliver;
  };

  const handle: Middleware = async (ctx) => {
    // The delivery's arrival, before the body is read and verified: the "seen" time of the changes it announces (issue 14).
    const receivedAt = new Date().toISOString();
    const connectors = deps.connectorsOfKind(kind);
    if (connectors.length === 0) throw new HttpError(404, `NO_${kind.toUpperCase()}_CONNECTOR`, `no ${label} connector is configured on this service`);
    const planned = await decide(ctx, source.pick(ctx, connectors), await readRawBody(ctx.req, maxBodyBytes));
    if (planned === undefined) {
      ctx.state.webhookOutcome = 'ignored';
      return;
    }

    // Before the delivery log: a 503 must leave the id unrecorded, or the sender's retry would be taken for a duplicate.
    const queue = deps.queueState();
    if (queue.state === 'unreachable') refuseForNow(ctx, 'QUEUE_UNAVAILABLE', `the ingestion queue is unreachable; ${retryHint}`);
    if (queue.full) refuseForNow(ctx, 'QUEUE_FULL', `the ingestion queue is full; ${retryHint}`);

    const taken: PlannedDelivery<C>[] = [];
    for (const delivery of planned) {
      const { connector, message } = delivery;
      const logKey = `${kind}:${connector.name}`;
      const first = await withRetryAfter(ctx, () => deps.deliveries.firstDelivery(logKey, message.deliveryId));
      if (!first) continue;
      if (!connector.deliverWebhook({ ...message, receivedAt })) {
        // Forget it, so the sender's retry is handled instead of being answered as a duplicate.
        await deps.deliveries.forget(logKey, message.deliveryId);
        logger.warn(`${label} delivery refused: connector webhook buffer full`, { delivery_id: message.deliveryId, connector: connector.name });
        refuseForNow(ctx, 'WEBHOOK_BUFFER_FULL', `connector ${connector.name} has too many webhooks waiting; ${retryHint}`);
      }
      taken.push(delivery);
      logger.info(`${label} delivery accepted`, { delivery_id: message.deliveryId, connector: connector.name, event: message.event, ...delivery.logFields });
    }
    ctx.state.webhookOutcome = taken.length === 0 ? 'duplicate' : 'accepted';
    if (taken.length === 0) return answer(ctx, 200, { duplicate: true });
    const accepted = source.accepted(taken);
    return answer(ctx, accepted.status, accepted.body);
  };

  // Sender and outcome for `inlet_webhook_deliveries_total`, left in `ctx.state` for the app's counter (issue 14).
  return async (ctx, next) => {
    ctx.state.webhookSource = kind;
    try {
      await handle(ctx, next);
    } catch (error) {
      ctx.state.webhookOutcome = outcomeOfRefusal(error);
      throw error;
    }
  };
}

/** How a delivery that threw ended, by the status the error middleware answers it with. */
export function outcomeOfRefusal(error: unknown): WebhookOutcome {
  const status = error instanceof HttpError ? error.status : isQueueUnavailableError(error) || isQueueFullError(error) ? 503 : 500;
  if (status === 401) return 'bad_signature';
  if (status === 503) return 'refused';
  return status >= 400 && status < 500 ? 'bad_request' : 'error';
}
