/** The parts of Confluence REST answers the connector reads, typed by hand (there is no official Node client). */

/** A page or blog post as REST v1 returns it (`/rest/api/content`, `/content/search`) with `expand=body.storage,version,ancestors,space`. */
export interface V1Content {
  id: string;
  type: 'page' | 'blogpost' | string;
  status: 'current' | 'trashed' | 'draft' | string;
  title: string;
  space?: { key: string };
  version?: { number: number; when?: string };
  ancestors?: { id: string }[];
  body?: { storage?: { value: string } };
  _links?: { webui?: string; base?: string };
}

/** A page or blog post as REST v2 returns it (`/api/v2/spaces/{id}/pages`, `/api/v2/pages/{id}`, `body-format=storage`). */
export interface V2Page {
  id: string;
  status: string;
  title: string;
  spaceId: string;
  parentId?: string | null;
  version?: { number: number; createdAt?: string };
  body?: { storage?: { value: string } };
  _links?: { webui?: string; base?: string };
}

/** One page of a v1 listing (`start`/`limit`, `_links.next`). */
export interface V1List<T> {
  results: T[];
  _links?: { next?: string; base?: string };
}

/** One page of a v2 listing (`_links.next` with a cursor; the same cursor is in the `Link` header). */
export interface V2List<T> {
  results: T[];
  _links?: { next?: string; base?: string };
}

/** A space as `/api/v2/spaces?keys=` lists it. */
export interface V2Space {
  id: string;
  key: string;
}

/** A page or blog post in the one shape the connector works with, whichever API it came from. */
export interface ConfluencePage {
  id: string;
  type: 'page' | 'blogpost';
  /** `current`, or `trashed` / `deleted` / `archived` (those become deletes). */
  status: string;
  title: string;
  spaceKey: string;
  version: number;
  /** When this version was made (ISO 8601 with offset, an exact instant), if the API said. */
  modifiedAt: string | undefined;
  /** The nearest ancestor page, if any. */
  parentId: string | undefined;
  /** Storage format (XHTML); undefined when not fetched. */
  storage: string | undefined;
  webUrl: string | undefined;
}

/** From a v1 content object; `base` is the listing's `_links.base` when the object has none. */
export function fromV1(content: V1Content, base: string): ConfluencePage {
  const ancestors = content.ancestors ?? [];
  const webui = content._links?.webui;
  return {
    id: String(content.id),
    type: content.type === 'blogpost' ? 'blogpost' : 'page',
    status: content.status,
    title: content.title,
    spaceKey: content.space?.key ?? '',
    version: content.version?.number ?? 0,
    modifiedAt: content.version?.when,
    parentId: ancestors.length > 0 ? String(ancestors[ancestors.length - 1]!.id) : undefined,
    storage: content.body?.storage?.value,
    webUrl: webui ? `${content._links?.base ?? base}${webui}` : undefined,
  };
}

/** From a v2 page; the space key comes from the id → key map resolved at the start. */
export function fromV2(page: V2Page, type: 'page' | 'blogpost', spaceKey: string, base: string): ConfluencePage {
  const webui = page._links?.webui;
  return {
    id: String(page.id),
    type,
    status: page.status,
    title: page.title,
    spaceKey,
    version: page.version?.number ?? 0,
    modifiedAt: page.version?.createdAt,
    parentId: page.parentId ? String(page.parentId) : undefined,
    storage: page.body?.storage?.value,
    webUrl: webui ? `${page._links?.base ?? base}${webui}` : undefined,
  };
}

/** True when the page is no longer current (trashed, deleted, archived): it becomes a delete. */
export function isGone(page: ConfluencePage): boolean {
  return page.status !== 'current';
}
