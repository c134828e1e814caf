import type { Context, Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { ConnectorHandle } from '../actors/system/connector-manager.ts';
import type { DeliveryLog } from '../actors/webhooks/delivery-log.ts';
import type { ConnectorConfig } from '../config/schema.ts';
import { collectPushChanges, type PushCommitFiles } from './collect-push-changes.ts';
import { HttpError } from './http-error.ts';
import { GITHUB_PAYLOAD_CAP_BYTES, readRawBody } from './read-raw-body.ts';
import { verifyGithubSignature } from './verify-github-signature.ts';
import { answer, type Json, parseJsonObject, refuseForNow, withRetryAfter } from './webhook-replies.ts';

/** The part of a connector handle the route uses; `ConnectorHandle` satisfies it. */
export type GithubWebhookConnector = Pick<ConnectorHandle, 'name' | 'deliverWebhook' | 'recordWebhookRejection'> & {
  config: Pick<ConnectorConfig, 'webhook_secret' | 'metadata'>;
};

/** The calls the route makes; `ConnectorManager` satisfies this structurally, tests pass a fake. */
export interface GithubWebhookDeps {
  connectorsOfKind(kind: string): GithubWebhookConnector[];
  readonly deliveries: Pick<DeliveryLog, 'firstDelivery' | 'forget'>;
  queueState(): { state: string; full: boolean };
}

/** Options of `POST /webhooks/github`. */
export interface GithubWebhookRouteOptions {
  deps: GithubWebhookDeps;
  logger: Logger;
  /** Accept deliveries that carry no signature (development only; INLET_ALLOW_UNSIGNED_WEBHOOKS=1). Default false. */
  allowUnsignedWebhooks?: boolean;
  /** Largest body accepted, in bytes. Default 25 MB, GitHub's payload cap. */
  maxBodyBytes?: number;
}

/** GitHub lists at most 3000 files per commit in a push payload; a list this long may be cut short. */
const FILES_PER_COMMIT_CAP = 3000;

type PushPlan = { connector: GithubWebhookConnector; ignored: string } | { connector: GithubWebhookConnector; payload: Json; changes: number };

/** A verified push to hand over: the connectors that want it, with their payloads. */
interface AcceptedPush {
  deliveryId: string;
  event: string;
  wanted: Array<{ connector: GithubWebhookConnector; payload: Json; changes: number }>;
}

/**
 * `POST /webhooks/github`: verifies X-Hub-Signature-256 over the raw body, drops redeliveries by X-GitHub-Delivery,
 * and hands pushes that change docs_path to their connector. It answers at once (GitHub allows 10 s) and does no I/O
 * besides the delivery log.
 */
export function createGithubWebhookRoute(options: GithubWebhookRouteOptions): Middleware {
  const { deps, logger, allowUnsignedWebhooks = false, maxBodyBytes = GITHUB_PAYLOAD_CAP_BYTES } = options;
  const warnedUnsigned = { value: false };

  return async (ctx) => {
    const connectors = deps.connectorsOfKind('github');
    if (connectors.length === 0) throw new HttpError(404, 'NO_GITHUB_CONNECTOR', 'no GitHub connector is configured on this service');
    // Synchronous, and the body held by no local of this function, so the body and its parsed form are garbage before
    // the delivery log's round trip: under load, requests waiting on Redis would otherwise keep their parsed payloads
    // alive through the young-generation collections.
    const push = decidePush(ctx, connectors, await readRawBody(ctx.req, maxBodyBytes), { logger, allowUnsignedWebhooks, warnedUnsigned });
    if (push === undefined) return;

    // Before the delivery log: a 503 must leave the id unrecorded, or GitHub's redelivery would be taken for a duplicate.
    const queue = deps.queueState();
    if (queue.state === 'unreachable') refuseForNow(ctx, 'QUEUE_UNAVAILABLE', 'the ingestion queue is unreachable; redeliver later');
    if (queue.full) refuseForNow(ctx, 'QUEUE_FULL', 'the ingestion queue is full; redeliver later');

    const { deliveryId, event } = push;
    let accepted = 0;
    let changes = 0;
    for (const plan of push.wanted) {
      const first = await withRetryAfter(ctx, () => deps.deliveries.firstDelivery(`github:${plan.connector.name}`, deliveryId));
      if (!first) continue;
      // Every push says "the branch moved; diff from the last commit processed", so a waiting one is replaced by the
      // newer; a forced push keeps its own place, as it makes the poll reconcile by tree diff.
      const coalesceKey = plan.payload.forced === true ? 'push:forced' : 'push';
      if (!plan.connector.deliverWebhook({ deliveryId, event, payload: plan.payload, coalesceKey })) {
        // Forget it, so GitHub's redelivery is handled instead of being answered as a duplicate.
        await deps.deliveries.forget(`github:${plan.connector.name}`, deliveryId);
        logger.warn('GitHub delivery refused: connector webhook buffer full', { delivery_id: deliveryId, connector: plan.connector.name });
        refuseForNow(ctx, 'WEBHOOK_BUFFER_FULL', `connector ${plan.connector.name} has too many webhooks waiting; redeliver later`);
      }
      accepted++;
      changes += plan.changes;
      logger.info('GitHub push accepted', { delivery_id: deliveryId, connector: plan.connector.name, changes: plan.changes });
    }
    if (accepted === 0) return answer(ctx, 200, { duplicate: true });
    return answer(ctx, 202, { accepted: true, changes });
  };
}

/**
 * Everything about a delivery that needs no I/O: the signature, the headers, the event, and each connector's part of a
 * push. Answers (or throws) itself and returns undefined when nothing is to be handed over.
 */
function decidePush(
  ctx: Context,
  connectors: GithubWebhookConnector[],
  raw: Buffer,
  options: { logger: Logger; allowUnsignedWebhooks: boolean; warnedUnsigned: { value: boolean } },
): AcceptedPush | undefined {
  const { logger, allowUnsignedWebhooks, warnedUnsigned } = options;
  const deliveryId = ctx.get('x-github-delivery');
  const event = ctx.get('x-github-event');
  const signature = ctx.get('x-hub-signature-256') || undefined;
  const body = parseJsonObject(raw);
  // Unverified until a secret checks out: used only to pick whose secret to try and whose rejection to count.
  const fullName = repositoryOf(body)?.full_name;
  const claimed = typeof fullName === 'string' ? connectors.filter((c) => isRepositoryOf(c, fullName)) : [];
  const relevant = claimed.length > 0 ? claimed : connectors;

  const accepting = relevant.filter((c) => {
    const secret = c.config.webhook_secret;
    if (secret === '') return allowUnsignedWebhooks;
    return signature === undefined ? allowUnsignedWebhooks : verifyGithubSignature(secret, raw, signature);
  });
  if (accepting.length === 0) {
    const unsecured = relevant.filter((c) => c.config.webhook_secret === '');
    if (unsecured.length === relevant.length) {
      for (const c of unsecured) {
        logger.error(`GitHub delivery refused: connectors.${c.name}.webhook_secret is empty; set it to the webhook's secret`, {
          connector: c.name,
          key: `connectors.${c.name}.webhook_secret`,
          delivery_id: deliveryId,
        });
      }
      throw new HttpError(503, 'WEBHOOK_SECRET_NOT_CONFIGURED', 'no webhook secret is configured on this service; see its log');
    }
    for (const c of relevant) c.recordWebhookRejection();
    logger.warn('GitHub delivery refused: bad signature', {
      delivery_id: deliveryId,
      event,
      reason: signature === undefined ? 'no X-Hub-Signature-256 header' : 'X-Hub-Signature-256 matches no configured webhook_secret',
      connectors: relevant.map((c) => c.name),
      body_bytes: raw.length,
    });
    throw new HttpError(401, 'BAD_SIGNATURE', signature === undefined ? 'X-Hub-Signature-256 is missing' : 'X-Hub-Signature-256 does not match the body');
  }
  if (!warnedUnsigned.value && accepting.some((c) => c.config.webhook_secret === '' || signature === undefined)) {
    warnedUnsigned.value = true;
    logger.warn('accepting unsigned GitHub deliveries (INLET_ALLOW_UNSIGNED_WEBHOOKS=1): development only');
  }

  if (event === '') throw new HttpError(400, 'MISSING_EVENT', 'X-GitHub-Event is missing');
  if (deliveryId === '') throw new HttpError(400, 'MISSING_DELIVERY_ID', 'X-GitHub-Delivery is missing');
  if (body === undefined) {
    const form = ctx.is('application/x-www-form-urlencoded') ? ": set the webhook's content type to application/json" : '';
    throw new HttpError(400, 'BAD_JSON', `the body is not a JSON object${form}`);
  }
  if (event === 'ping') return void answer(ctx, 200, { ok: true, zen: typeof body.zen === 'string' ? body.zen : null });
  if (event !== 'push') return void answer(ctx, 202, { ignored: true, reason: `event ${event} is not handled` });
  if (claimed.length === 0) {
    return void answer(ctx, 202, { ignored: true, reason: `repository ${typeof fullName === 'string' ? fullName : '(none)'} is not configured` });
  }

  const plans = accepting.map((c) => planPush(c, body));
  const wanted = plans.flatMap((p) => ('payload' in p ? [p] : []));
  if (wanted.length === 0) {
    const reasons = [...new Set(plans.map((p) => ('ignored' in p ? p.ignored : '')))];
    return void answer(ctx, 202, { ignored: true, reason: reasons.join('; ') });
  }
  return { deliveryId, event, wanted };
}

/** Decides one connector's part of a push: ignored with a reason, or the payload to deliver. */
function planPush(connector: GithubWebhookConnector, body: Json): PushPlan {
  const meta = connector.config.metadata;
  const repository = repositoryOf(body) ?? {};
  const branch = nonEmpty(meta.branch) ?? nonEmpty(repository.default_branch) ?? nonEmpty(repository.master_branch);
  const ref = typeof body.ref === 'string' ? body.ref : '';
  if (branch === undefined || ref !== `refs/heads/${branch}`) {
    return { connector, ignored: `ref ${ref || '(none)'} is not the tracked branch ${branch ?? '(unknown)'}` };
  }
  if (body.deleted === true) return { connector, ignored: 'branch deletion' };
  const commits = (Array.isArray(body.commits) ? body.commits : []).map(filesOf);
  const changes = collectPushChanges(commits, nonEmpty(meta.docs_path) ?? '');
  const forced = body.forced === true;
  // A capped file list may hide changes under docs_path: deliver, and let the connector compare before..after.
  const truncated = commits.some((c) => c.added.length + c.removed.length + c.modified.length >= FILES_PER_COMMIT_CAP);
  if (changes.size === 0 && !forced && !truncated) return { connector, ignored: 'no change under docs_path' };
  return {
    connector,
    changes: changes.size,
    payload: { before: body.before, after: body.after, forced, ref, changes: Object.fromEntries(changes), truncated },
  };
}

function repositoryOf(body: Json | undefined): Json | undefined {
  return isObject(body?.repository) ? body.repository : undefined;
}

function isRepositoryOf(connector: GithubWebhookConnector, fullName: string): boolean {
  const { owner, repo } = connector.config.metadata;
  return typeof owner === 'string' && typeof repo === 'string' && `${owner}/${repo}`.toLowerCase() === fullName.toLowerCase();
}

function filesOf(commit: unknown): Required<{ [K in keyof PushCommitFiles]: string[] }> {
  const c = isObject(commit) ? commit : {};
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return { added: strings(c.added), removed: strings(c.removed), modified: strings(c.modified) };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
