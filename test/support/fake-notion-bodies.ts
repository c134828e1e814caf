import { readFileSync } from 'node:fs';
import { richText } from './fake-notion-blocks.ts';

/** The recorded Notion responses (test/fixtures/notion/api, API version 2025-09-03) the fake's answers start from. */
const FIXTURES = new URL('../fixtures/notion/api/', import.meta.url);
const recorded = (file: string) => JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Record<string, unknown>;
const PAGE = recorded('pages.retrieve.200.json');
const SEARCH = recorded('search.200.json');
const CHILDREN = recorded('blocks.children.list.page1.200.json');
const NOT_FOUND = recorded('pages.retrieve.404.json');
const BLOCK = (CHILDREN.results as Record<string, unknown>[])[0]!;

const clone = <T>(value: T): T => structuredClone(value);
const requestId = () => crypto.randomUUID();

/** A stored page of the fake workspace. */
export interface FakePage {
  id: string;
  title: string;
  parent: { type: 'workspace' } | { type: 'page_id'; page_id: string } | { type: 'data_source_id'; data_source_id: string; database_id: string } | { type: 'block_id'; block_id: string };
  lastEditedTime: string;
  archived: boolean;
  /** Extra properties of a data source row, in the API's shape (`{ Status: { type: 'select', select: { name } } }`). */
  properties: Record<string, unknown>;
}

/** A stored block: its place, type and content. */
export interface FakeBlock {
  id: string;
  parentId: string;
  parentType: 'page_id' | 'block_id';
  type: string;
  data: Record<string, unknown>;
  hasChildren: boolean;
  createdTime: string;
}

/** A page object: the recorded `pages.retrieve` answer with this page's id, times, parent, title and state. */
export function pageBody(page: FakePage, withRequestId = false): Record<string, unknown> {
  const body = clone(PAGE);
  if (!withRequestId) delete body.request_id;
  const id32 = page.id.replace(/-/g, '');
  const slug = page.title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return Object.assign(body, {
    id: page.id,
    created_time: page.lastEditedTime,
    last_edited_time: page.lastEditedTime,
    parent: page.parent,
    archived: page.archived,
    in_trash: page.archived,
    is_archived: page.archived,
    properties: { title: { id: 'title', type: 'title', title: page.title ? [richText(page.title)] : [] }, ...page.properties },
    url: `https://app.notion.com/p/${slug ? `${slug}-` : ''}${id32}`,
  });
}

/** A block object: the recorded paragraph block re-dressed with this block's id, parent, type and content. */
export function blockBody(block: FakeBlock): Record<string, unknown> {
  const body = clone(BLOCK);
  delete body.paragraph;
  return Object.assign(body, {
    id: block.id,
    parent: { type: block.parentType, [block.parentType]: block.parentId },
    created_time: block.createdTime,
    last_edited_time: block.createdTime,
    has_children: block.hasChildren,
    type: block.type,
    [block.type]: block.data,
  });
}

/** A list answer (`search`, `blocks.children.list`, `dataSources.query`) in the recorded shape. */
export function listBody(kind: 'search' | 'block', results: unknown[], nextCursor: string | null): Record<string, unknown> {
  const body = clone(kind === 'search' ? SEARCH : CHILDREN);
  return Object.assign(body, { results, next_cursor: nextCursor, has_more: nextCursor !== null, request_id: requestId() });
}

/** A data source object (`GET /v1/data_sources/{id}`): no recording exists, so shaped after the 2025-09-03 reference. */
export function dataSourceBody(id: string, title: string, databaseId: string, parentPageId: string | null): Record<string, unknown> {
  return {
    object: 'data_source',
    id,
    title: [richText(title)],
    parent: { type: 'database_id', database_id: databaseId },
    database_parent: parentPageId ? { type: 'page_id', page_id: parentPageId } : { type: 'workspace', workspace: true },
    properties: { Name: { id: 'title', name: 'Name', type: 'title', title: {} } },
    archived: false,
    in_trash: false,
    request_id: requestId(),
  };
}

export function databaseBody(id: string, dataSources: { id: string; name: string }[], parentPageId: string | null): Record<string, unknown> {
  return {
    object: 'database',
    id,
    title: [richText(dataSources[0]?.name ?? '')],
    parent: parentPageId ? { type: 'page_id', page_id: parentPageId } : { type: 'workspace', workspace: true },
    data_sources: dataSources,
    is_inline: false,
    in_trash: false,
    request_id: requestId(),
  };
}

const ERROR_CODES: Record<number, string> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'restricted_resource',
  404: 'object_not_found',
  409: 'conflict_error',
  429: 'rate_limited',
  500: 'internal_server_error',
  503: 'service_unavailable',
  504: 'gateway_timeout',
  529: 'service_overload',
};

/** An error object like the recorded 404, or null for statuses Notion answers without one (502: a proxy's HTML). */
export function errorBody(status: number, message?: string, code = ERROR_CODES[status]): Record<string, unknown> | null {
  if (!code) return null;
  return { ...clone(NOT_FOUND), status, code, message: message ?? `${code} (fake-notion)`, request_id: requestId() };
}
