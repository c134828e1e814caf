import type { Context } from 'koa';
import { HttpError } from './http-error.ts';

/**
 * The single connector of a kind, or the one `?connector=<name>` names when there are several: for senders whose
 * deliveries say nothing about which connector they are for (Notion, Confluence), so each subscription's URL does.
 */
export function pickNamedConnector<C extends { name: string }>(ctx: Context, connectors: C[], label: string): C[] {
  const query = ctx.query.connector;
  const names = connectors.map((c) => c.name).join(', ');
  if (query === undefined) {
    if (connectors.length === 1) return connectors;
    throw new HttpError(400, 'CONNECTOR_REQUIRED', `several ${label} connectors are configured (${names}): add ?connector=<name> to the webhook URL`);
  }
  const chosen = typeof query === 'string' ? connectors.find((c) => c.name === query) : undefined;
  if (!chosen) throw new HttpError(404, `NO_${label.toUpperCase()}_CONNECTOR`, `no ${label} connector named '${String(query)}'; known: ${names}`);
  return [chosen];
}
