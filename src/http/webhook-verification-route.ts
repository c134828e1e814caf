import type { Middleware } from 'koa';
import type { Logger } from '../actors/log/logger.ts';
import type { WebhookSecretStore } from '../actors/webhooks/webhook-secret-store.ts';
import { HttpError } from './http-error.ts';
import { withRetryAfter } from './webhook-replies.ts';

/** The calls the routes make; `ConnectorManager` satisfies this structurally. */
export interface WebhookVerificationTokenDeps {
  connector(name: string): { name: string; kind: string } | undefined;
  readonly webhookSecrets: WebhookSecretStore;
}

/** `GET` and `DELETE /connectors/<name>/webhook-verification`, both admin-only (mounted behind `access.require('admin')`). */
export interface WebhookVerificationTokenRoutes {
  /** Answers the stored token, for the operator to paste into Notion's UI; 404 when none is stored. */
  read: Middleware;
  /** Forgets the stored token, so Notion's next verification request (a new subscription) stores a new one. */
  forget: Middleware;
}

/**
 * Issue 13: the Notion verification token is the HMAC key of every later event, so it is shown to no one but an admin
 * (it was in public health and the log). Every read and rotation is logged with the client address, never the token.
 */
export function createWebhookVerificationTokenRoutes(deps: WebhookVerificationTokenDeps, logger: Logger): WebhookVerificationTokenRoutes {
  const notionConnector = (name: string) => {
    const connector = deps.connector(name);
    if (connector?.kind !== 'notion') throw new HttpError(404, 'NO_NOTION_CONNECTOR', `no Notion connector named '${name}'`);
    return connector;
  };
  return {
    read: async (ctx) => {
      const connector = notionConnector(ctx.params.name);
      const token = await withRetryAfter(ctx, () => deps.webhookSecrets.get(connector.name));
      if (!token) throw new HttpError(404, 'NO_VERIFICATION_TOKEN', `connector ${connector.name} holds no verification token: create the subscription in Notion first`);
      logger.warn('Notion verification token read through the API', { connector: connector.name, client: ctx.ip });
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { connector: connector.name, verification_token: token };
    },
    forget: async (ctx) => {
      const connector = notionConnector(ctx.params.name);
      const forgotten = await withRetryAfter(ctx, () => deps.webhookSecrets.delete(connector.name));
      logger.warn('Notion verification token forgotten through the API', { connector: connector.name, forgotten, client: ctx.ip });
      ctx.body = { connector: connector.name, forgotten };
    },
  };
}
