/** The page and blog post events the connector acts on (Connect/Data Center names; `blog_*` for blog posts). */
export const CONFLUENCE_EVENTS = ['created', 'updated', 'trashed', 'restored', 'removed', 'moved'].flatMap((e) => [`page_${e}`, `blog_${e}`]);

/** What the route hands the connector: the event, the page id and its version. */
export interface ConfluenceDelivery {
  deliveryId: string;
  event: string;
  payload: { event: string; pageId: string; version: number | undefined };
  /** One per page: the connector fetches the page's current state (or deletes it), so the newest event is enough. */
  coalesceKey: string;
}

/** What to do with a delivery: hand it over, ignore it (another event type), or refuse it as malformed. */
export type ConfluencePlan = { deliver: ConfluenceDelivery } | { ignored: string } | { malformed: string };

type Json = Record<string, unknown>;

/**
 * Reads a webhook body: `{ page | blog | blogpost | content: { id | idAsString, version, ... }, timestamp }`. Connect
 * bodies carry no event name (one URL per event), so the name comes from the body's `event` / `webhookEvent`, else
 * `?event=` on the URL, else `page_updated` (the connector fetches the page and sees if it is trashed).
 * Idempotency: `<pageId>@<version>` for creates and updates; trash, restore, remove and move keep the version, so
 * their key adds the event and the body's timestamp (a page trashed, restored and trashed again is three deliveries).
 */
export function planConfluenceEvent(body: Json, queryEvent: string | undefined): ConfluencePlan {
  const named = [body.event, body.webhookEvent, queryEvent].find((e): e is string => typeof e === 'string' && e !== '');
  const content = [body.page, body.blog, body.blogpost, body.blogPost, body.content].find((c): c is Json => typeof c === 'object' && c !== null);
  const event = (named ?? (content ? (body.blog || body.blogpost || body.blogPost ? 'blog_updated' : 'page_updated') : '')).replace(/^blogpost_/, 'blog_');
  if (event === '') return { malformed: 'event name or page' };
  if (!CONFLUENCE_EVENTS.includes(event)) return { ignored: `event ${event} is not a page or blog post change` };
  if (!content) return { malformed: 'page' };
  const rawId = content.idAsString ?? content.id;
  const pageId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : '';
  if (!/^\d+$/.test(pageId)) return { malformed: 'page id' };
  const rawVersion = typeof content.version === 'object' && content.version !== null ? (content.version as Json).number : content.version;
  const version = typeof rawVersion === 'number' && Number.isFinite(rawVersion) ? rawVersion : undefined;
  const stateChange = version === undefined || !/_(created|updated)$/.test(event);
  const deliveryId = `${pageId}@${version ?? 'unknown'}${stateChange ? `#${event}@${String(body.timestamp ?? '')}` : ''}`;
  return { deliver: { deliveryId, event, payload: { event, pageId, version }, coalesceKey: `content:${pageId}` } };
}
