/** Page events after which the connector fetches the page again (`page.deleted`: it emits a delete instead). */
const PAGE_EVENTS = new Set(['page.created', 'page.content_updated', 'page.properties_updated', 'page.moved', 'page.undeleted', 'page.deleted']);
/**
 * Container events after which the connector refreshes that data source's membership. `database.*` is what API
 * versions before 2025-09-03 send; `data_source.*` is its successor.
 * https://developers.notion.com/reference/webhooks-events-delivery
 */
const CONTAINER_PREFIXES = ['data_source.', 'database.'];

/** What the connector receives for a Notion event: the event type and the id of the page or data source it names. */
export interface NotionWebhookPayload {
  type: string;
  entityId: string;
}

/** The plan for one verified Notion event: deliver it, ignore it with a reason, or refuse it for a missing field. */
export type NotionEventPlan = { deliver: NotionWebhookPayload; coalesceKey: string } | { ignored: string } | { malformed: string };

/**
 * Maps a verified event body to a plan. Notion's payloads are thin signals (type and entity id); the connector calls
 * the API for the content. Comments, locks and any type Notion adds later are ignored, answered 200 so it does not
 * retry them.
 */
export function planNotionEvent(body: Record<string, unknown>): NotionEventPlan {
  const type = body.type;
  if (typeof type !== 'string' || type === '') return { malformed: 'type' };
  if (!PAGE_EVENTS.has(type) && !CONTAINER_PREFIXES.some((prefix) => type.startsWith(prefix))) {
    return { ignored: `event ${type} is not handled` };
  }
  const entity = body.entity;
  const entityId = typeof entity === 'object' && entity !== null ? (entity as Record<string, unknown>).id : undefined;
  if (typeof entityId !== 'string' || entityId === '') return { malformed: 'entity.id' };
  // The connector reads the entity's current state, so only the newest event per entity matters until its next poll.
  return { deliver: { type, entityId }, coalesceKey: `${type.slice(0, type.indexOf('.'))}:${entityId}` };
}
