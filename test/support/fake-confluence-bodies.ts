/** A page or blog post in the fake's memory. */
export interface FakeConfluencePage {
  id: string;
  type: 'page' | 'blogpost';
  spaceKey: string;
  title: string;
  storage: string;
  version: number;
  /** When the current version was made (epoch ms). */
  modifiedAt: number;
  parentId: string | undefined;
  status: 'current' | 'trashed';
}

/** A v1 content object (`expand=body.storage,version,ancestors,space`), ancestors root first. */
export function v1Body(page: FakeConfluencePage, ancestors: string[], base: string, bare: boolean) {
  return {
    id: page.id,
    type: page.type,
    status: page.status,
    title: page.title,
    space: { key: page.spaceKey },
    version: { number: page.version, when: new Date(page.modifiedAt).toISOString() },
    ...(bare ? {} : { ancestors: ancestors.map((id) => ({ id, type: 'page' })), body: { storage: { value: page.storage, representation: 'storage' } } }),
    _links: { webui: webui(page), self: `${base}/rest/api/content/${page.id}` },
  };
}

/** A v2 page or blog post (`PageBulk` / `PageSingle` of the OpenAPI excerpt). */
export function v2Body(page: FakeConfluencePage, spaceId: string, withBody: boolean) {
  return {
    id: page.id,
    status: page.status,
    title: page.title,
    spaceId,
    parentId: page.parentId ?? null,
    parentType: page.parentId ? 'page' : null,
    authorId: '557058:fake',
    createdAt: new Date(page.modifiedAt).toISOString(),
    version: { number: page.version, createdAt: new Date(page.modifiedAt).toISOString(), minorEdit: false, authorId: '557058:fake' },
    ...(withBody ? { body: { storage: { value: page.storage, representation: 'storage' } } } : {}),
    _links: { webui: webui(page), editui: `/pages/resumedraft.action?draftId=${page.id}`, tinyui: `/x/${page.id}` },
  };
}

function webui(page: FakeConfluencePage): string {
  return `/spaces/${page.spaceKey}/pages/${page.id}/${encodeURIComponent(page.title.replace(/ /g, '+'))}`;
}

/** Confluence's error body shape. */
export function errorBody(status: number, message: string) {
  return { statusCode: status, message, data: { authorized: status !== 401, valid: true, errors: [], successful: false } };
}
