import type { Context, Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { RateLimitedLog } from '../actors/log/rate-limited-log.ts';
import type { ConnectorConfig } from '../config/schema.ts';
import { collectPushChanges, type PushCommitFiles } from './collect-push-changes.ts';
import { createWebhookRoute, type PlannedDelivery, refusalLog, type WebhookConnector, type WebhookPlan, type WebhookRouteDeps, type WebhookSource } from './create-webhook-route.ts';
import { HttpError } from './http-error.ts';
import { GITHUB_PAYLOAD_CAP_BYTES } from './read-raw-body.ts';
import { verifyGithubSignature } from './verify-github-signature.ts';
import { type Json, parseJsonObject } from './webhook-replies.ts';
import { matchingSecret, type SecretSlot, webhookSecretsOf } from './webhook-secrets.ts';

/** The part of a connector handle the route uses; `ConnectorHandle` satisfies it. */
export type GithubWebhookConnector = WebhookConnector & { config: Pick<ConnectorConfig, 'webhook_secret' | 'metadata'> };

/** The calls the route makes; `ConnectorManager` satisfies this structurally, tests pass a fake. */
export type GithubWebhookDeps = WebhookRouteDeps<GithubWebhookConnector>;

/** Options of `POST /webhooks/github`. */
export interface GithubWebhookRouteOptions {
  deps: GithubWebhookDeps;
  logger: Logger;
  /** Where refused deliveries are logged, rate-limited (anonymous clients cause them). Default: the logger. */
  refusals?: RateLimitedLog;
  /** Accept deliveries that carry no signature (development only; INLET_ALLOW_UNSIGNED_WEBHOOKS=1). Default false. */
  allowUnsignedWebhooks?: boolean;
  /**
   * Largest body accepted, in bytes. Default 25 MB: GitHub caps webhook payloads at 25 MB and does not deliver larger
   * events (https://docs.github.com/en/webhooks/webhook-events-and-payloads#payload-cap).
   */
  maxBodyBytes?: number;
}

/** GitHub lists at most 3000 files per commit in a push payload; a list this long may be cut short. */
const FILES_PER_COMMIT_CAP = 3000;

/** A delivery whose signature checked out for `accepting`, each with the slot of the secret that matched. */
interface VerifiedPush {
  accepting: { connector: GithubWebhookConnector; slot: SecretSlot | undefined }[];
  /** Every GitHub connector: a delivery verified by one repository's secret but naming another is refused for that one. */
  connectors: GithubWebhookConnector[];
}

type PushPlan = { ignored: string } | PlannedDelivery<GithubWebhookConnector>;

/**
 * `POST /webhooks/github`: verifies X-Hub-Signature-256 over the raw body, drops redeliveries by X-GitHub-Delivery,
 * and hands pushes that change docs_path to their connector. It answers at once (GitHub allows 10 s) and does no I/O
 * besides the delivery log.
 */
export function createGithubWebhookRoute(options: GithubWebhookRouteOptions): Middleware {
  const { deps, logger, refusals, allowUnsignedWebhooks = false, maxBodyBytes = GITHUB_PAYLOAD_CAP_BYTES } = options;
  return createWebhookRoute(githubWebhookSource(logger, refusalLog(logger, refusals), allowUnsignedWebhooks), { deps, logger, maxBodyBytes });
}

/** GitHub's steps: every connector's secrets against the raw bytes, then the push and each connector's part. */
function githubWebhookSource(logger: Logger, refused: Pick<Logger, 'warn'>, allowUnsignedWebhooks: boolean): WebhookSource<GithubWebhookConnector, VerifiedPush> {
  let warnedUnsigned = false;
  return {
    kind: 'github',
    label: 'GitHub',
    retryHint: 'redeliver later',
    pick: (_ctx, connectors) => connectors,
    verify(ctx, raw, connectors) {
      const deliveryId = ctx.get('x-github-delivery');
      const signature = ctx.get('x-hub-signature-256') || undefined;
      // Every connector's secrets against the raw bytes before one byte is parsed (issue 13: an unsigned 24 MB body
      // blocked the event loop for 0.4 s in JSON.parse). A few HMACs per connector cost far less than that parse.
      // One HMAC per distinct secret: connectors sharing one (a monorepo's several docs paths) cost a single pass.
      const verdicts = new Map<string, boolean>();
      const verifies = (secret: string, header: string) => {
        const known = verdicts.get(secret);
        if (known !== undefined) return known;
        const verdict = verifyGithubSignature(secret, raw, header);
        verdicts.set(secret, verdict);
        return verdict;
      };
      const accepting = connectors.flatMap((connector): VerifiedPush['accepting'] => {
        const secrets = webhookSecretsOf(connector.config);
        if (secrets.length === 0 || signature === undefined) return allowUnsignedWebhooks ? [{ connector, slot: undefined }] : [];
        const slot = matchingSecret(secrets, (secret) => verifies(secret, signature));
        return slot === undefined ? [] : [{ connector, slot }];
      });
      if (accepting.length === 0) {
        const unsecured = connectors.filter((c) => webhookSecretsOf(c.config).length === 0);
        if (unsecured.length === connectors.length) {
          for (const c of unsecured) {
            logger.error(`GitHub delivery refused: connectors.${c.name}.webhook_secret is empty; set it to the webhook's secret`, {
              connector: c.name,
              key: `connectors.${c.name}.webhook_secret`,
              delivery_id: deliveryId,
            });
          }
          throw new HttpError(503, 'WEBHOOK_SECRET_NOT_CONFIGURED', 'no webhook secret is configured on this service; see its log');
        }
        // An unverified body names no repository we may believe, so the refusal counts on every GitHub connector.
        for (const c of connectors) c.recordWebhookRejection();
        refused.warn('GitHub delivery refused: bad signature', {
          delivery_id: deliveryId,
          event: ctx.get('x-github-event'),
          reason: signature === undefined ? 'no X-Hub-Signature-256 header' : 'X-Hub-Signature-256 matches no configured webhook_secret',
          connectors: connectors.map((c) => c.name),
          body_bytes: raw.length,
        });
        throw new HttpError(401, 'BAD_SIGNATURE', signature === undefined ? 'X-Hub-Signature-256 is missing' : 'X-Hub-Signature-256 does not match the body');
      }
      if (!warnedUnsigned && accepting.some((a) => a.slot === undefined)) {
        warnedUnsigned = true;
        logger.warn('accepting unsigned GitHub deliveries (INLET_ALLOW_UNSIGNED_WEBHOOKS=1): development only');
      }
      return { accepting, connectors };
    },
    parse(ctx, raw) {
      if (ctx.get('x-github-event') === '') throw new HttpError(400, 'MISSING_EVENT', 'X-GitHub-Event is missing');
      if (ctx.get('x-github-delivery') === '') throw new HttpError(400, 'MISSING_DELIVERY_ID', 'X-GitHub-Delivery is missing');
      const body = parseJsonObject(raw);
      if (body === undefined) {
        const form = ctx.is('application/x-www-form-urlencoded') ? ": set the webhook's content type to application/json" : '';
        throw new HttpError(400, 'BAD_JSON', `the body is not a JSON object${form}`);
      }
      return body;
    },
    plan: planDelivery,
    // The changes of the connectors that took it: a redelivery already taken by one of them counts nothing there.
    accepted: (taken) => ({ status: 202, body: { accepted: true, changes: taken.reduce((sum, t) => sum + Number(t.logFields?.changes ?? 0), 0) } }),
  };
}

/** Answers pings, other events and other repositories; a push is planned per connector following its repository. */
function planDelivery(ctx: Context, body: Json, { accepting, connectors }: VerifiedPush): WebhookPlan<GithubWebhookConnector> {
  const event = ctx.get('x-github-event');
  const fullName = repositoryOf(body)?.full_name;
  const claimed = typeof fullName === 'string' ? accepting.filter((a) => isRepositoryOf(a.connector, fullName)) : [];
  // Counted for the connectors the verified delivery is about, so an operator rotating one repository's secret sees it.
  for (const { connector, slot } of claimed) if (slot !== undefined) connector.recordWebhookSecretMatch(slot);
  const following = typeof fullName === 'string' ? connectors.filter((c) => isRepositoryOf(c, fullName)) : [];
  if (claimed.length === 0 && following.length > 0) {
    // Signed with another repository's secret: whoever holds that one must not speak for this repository.
    for (const c of following) c.recordWebhookRejection();
    throw new HttpError(401, 'BAD_SIGNATURE', 'X-Hub-Signature-256 does not match the secret of the connector following this repository');
  }
  const ignored = (reason: string) => ({ answer: { status: 202, body: { ignored: true, reason } } });
  if (event === 'ping') return { answer: { status: 200, body: { ok: true, zen: typeof body.zen === 'string' ? body.zen : null } } };
  if (event !== 'push') return ignored(`event ${event} is not handled`);
  if (claimed.length === 0) {
    return ignored(`repository ${typeof fullName === 'string' ? fullName : '(none)'} is not configured`);
  }
  const plans = claimed.map(({ connector }) => planPush(connector, body, ctx.get('x-github-delivery'), event));
  const deliver = plans.flatMap((p) => ('ignored' in p ? [] : [p]));
  if (deliver.length === 0) return ignored([...new Set(plans.map((p) => ('ignored' in p ? p.ignored : '')))].join('; '));
  return { deliver };
}

/** Decides one connector's part of a push: ignored with a reason, or the message to deliver. */
function planPush(connector: GithubWebhookConnector, body: Json, deliveryId: string, event: string): PushPlan {
  const meta = connector.config.metadata;
  const repository = repositoryOf(body) ?? {};
  const branch = nonEmpty(meta.branch) ?? nonEmpty(repository.default_branch) ?? nonEmpty(repository.master_branch);
  const ref = typeof body.ref === 'string' ? body.ref : '';
  if (branch === undefined || ref !== `refs/heads/${branch}`) return { ignored: `ref ${ref || '(none)'} is not the tracked branch ${branch ?? '(unknown)'}` };
  if (body.deleted === true) return { ignored: 'branch deletion' };
  const commits = (Array.isArray(body.commits) ? body.commits : []).map(filesOf);
  const changes = collectPushChanges(commits, nonEmpty(meta.docs_path) ?? '');
  const forced = body.forced === true;
  // A capped file list may hide changes under docs_path: deliver, and let the connector compare before..after.
  const truncated = commits.some((c) => c.added.length + c.removed.length + c.modified.length >= FILES_PER_COMMIT_CAP);
  if (changes.size === 0 && !forced && !truncated) return { ignored: 'no change under docs_path' };
  const payload = { before: body.before, after: body.after, forced, ref, changes: Object.fromEntries(changes), truncated };
  // Every push says "the branch moved; diff from the last commit processed", so a waiting one is replaced by the
  // newer; a forced push keeps its own place, as it makes the poll reconcile by tree diff.
  const coalesceKey = forced ? 'push:forced' : 'push';
  return { connector, message: { deliveryId, event, payload, coalesceKey }, logFields: { changes: changes.size } };
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
