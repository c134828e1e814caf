import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeBlockInput } from './fake-notion-blocks.ts';
import { type HeldRequest, RequestHolds } from './held-requests.ts';
import { blockBody, dataSourceBody, databaseBody, errorBody, type FakeBlock, type FakePage, listBody, pageBody } from './fake-notion-bodies.ts';

export { block, mention, richText } from './fake-notion-blocks.ts';

/** One request the fake answered, in arrival order. */
export interface FakeNotionRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** A page as a test adds it. */
export interface FakePageInput {
  id?: string;
  title: string;
  /** A parent page id, or `{ dataSource }` for a row; none: the workspace. */
  parent?: string | { dataSource: string } | { block: string };
  blocks?: FakeBlockInput[];
  /** Default: now, to the minute (Notion's edit times have minute precision). */
  lastEditedTime?: string;
  properties?: Record<string, unknown>;
}

/** A local Notion API v1 (version 2025-09-03) over a mutable in-memory workspace, for the SDK's `baseUrl`. */
export interface FakeNotion {
  url: string;
  requests: FakeNotionRequest[];
  pages: Map<string, FakePage>;
  addPage(page: FakePageInput): string;
  /** Changes a page; bumps its edit time (to `lastEditedTime`, default now to the minute). */
  editPage(id: string, change: { title?: string; blocks?: FakeBlockInput[]; archived?: boolean; lastEditedTime?: string }): void;
  /** Makes a page vanish without a trace (unshared, or deleted for good): 404 everywhere. */
  removePage(id: string): void;
  /** A data source; `databaseId` puts it in that database (several may share one), default: a database of its own. */
  addDataSource(source: { id: string; title: string; parentPageId?: string; databaseId?: string }): void;
  /** Keeps pages out of search answers (the search index lags). */
  hideFromSearch(id: string): void;
  /** Answers the next `count` requests with `status` and these headers (e.g. `{ 'retry-after': '2' }`). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Requires `Authorization: Bearer <token>`; others get 401 unauthorized. */
  requireToken(token: string): void;
  /** Caps `page_size` (Notion: 100), to force pagination. */
  setMaxPageSize(size: number): void;
  /** Holds the next request whose path contains `pathIncludes` unanswered until `release()`; it is logged when answered. */
  hold(pathIncludes?: string): HeldRequest;
  close(): Promise<void>;
}

const VERSION = '2025-09-03';
let counter = 0;
/** A fresh UUID-shaped Notion id; `fakeNotionId(7)` is stable for tests that name pages. */
export const fakeNotionId = (n = ++counter + 100_000) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const minuteNow = () => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeNotion(): Promise<FakeNotion> {
  const pages = new Map<string, FakePage>();
  const blocks = new Map<string, FakeBlock>();
  const sources = new Map<string, { title: string; databaseId: string; parentPageId: string | null }>();
  const hidden = new Set<string>();
  const requests: FakeNotionRequest[] = [];
  const failures: { count: number; status: number; headers: Record<string, string> }[] = [];
  let token: string | undefined;
  let maxPageSize = 100;
  const holds = new RequestHolds();

  const setBlocks = (parentId: string, parentType: 'page_id' | 'block_id', inputs: FakeBlockInput[]) => {
    for (const [id, b] of blocks) if (b.parentId === parentId) blocks.delete(id);
    for (const input of inputs) {
      const id = fakeNotionId();
      blocks.set(id, { id, parentId, parentType, type: input.type, data: input.data, hasChildren: (input.children?.length ?? 0) > 0, createdTime: minuteNow() });
      if (input.children) setBlocks(id, 'block_id', input.children);
    }
  };
  const visible = (page: FakePage) => !page.archived;
  const paginate = (kind: 'search' | 'block', items: { id: string }[], toBody: (item: never) => unknown, body: Record<string, unknown>) => {
    const size = Math.min(Number(body.page_size ?? 100), maxPageSize);
    const start = body.start_cursor ? items.findIndex((i) => i.id === body.start_cursor) : 0;
    const slice = items.slice(Math.max(0, start), Math.max(0, start) + size);
    const next = items[Math.max(0, start) + size]?.id ?? null;
    return { status: 200, body: listBody(kind, slice.map((i) => toBody(i as never)), next) };
  };
  const newestFirst = (a: FakePage, b: FakePage) => b.lastEditedTime.localeCompare(a.lastEditedTime) || a.id.localeCompare(b.id);

  const route = (method: string, path: string, body: Record<string, unknown>): { status: number; body: unknown } => {
    const notFound = { status: 404, body: errorBody(404, `Could not find object at ${path}. Make sure it is shared with your integration.`) };
    const at = (verb: string, pattern: RegExp) => (method === verb ? pattern.exec(path) : null);
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/search') {
      const found = [...pages.values()].filter((p) => visible(p) && !hidden.has(p.id)).sort(newestFirst);
      return paginate('search', found, (p: FakePage) => pageBody(p), body);
    }
    m = at('GET', /^\/v1\/pages\/([^/]+)$/);
    if (m) {
      const page = pages.get(m[1]!);
      return page ? { status: 200, body: pageBody(page, true) } : notFound;
    }
    m = at('GET', /^\/v1\/blocks\/([^/]+)\/children$/);
    if (m) {
      if (!pages.has(m[1]!) && !blocks.has(m[1]!)) return notFound;
      const children = [...blocks.values()].filter((b) => b.parentId === m?.[1]);
      return paginate('block', children, (b: FakeBlock) => blockBody(b), body);
    }
    m = at('GET', /^\/v1\/blocks\/([^/]+)$/);
    if (m) {
      const found = blocks.get(m[1]!);
      return found ? { status: 200, body: { ...blockBody(found), request_id: crypto.randomUUID() } } : notFound;
    }
    m = at('GET', /^\/v1\/data_sources\/([^/]+)$/);
    if (m) {
      const source = sources.get(m[1]!);
      return source ? { status: 200, body: dataSourceBody(m[1]!, source.title, source.databaseId, source.parentPageId) } : notFound;
    }
    m = at('GET', /^\/v1\/databases\/([^/]+)$/);
    if (m) {
      const held = [...sources].filter(([, s]) => s.databaseId === m?.[1]);
      if (held.length === 0) return notFound;
      return { status: 200, body: databaseBody(m[1]!, held.map(([id, s]) => ({ id, name: s.title })), held[0]![1].parentPageId) };
    }
    m = at('POST', /^\/v1\/data_sources\/([^/]+)\/query$/);
    if (m) {
      const id = m[1]!;
      if (!sources.has(id)) return notFound;
      const after = (body.filter as { last_edited_time?: { on_or_after?: string } } | undefined)?.last_edited_time?.on_or_after;
      const rows = [...pages.values()]
        .filter((p) => visible(p) && p.parent.type === 'data_source_id' && p.parent.data_source_id === id)
        .filter((p) => !after || Date.parse(p.lastEditedTime) >= Date.parse(after))
        .sort(newestFirst);
      return paginate('search', rows, (p: FakePage) => pageBody(p), body);
    }
    return { status: 400, body: errorBody(400, `Invalid request URL: ${method} ${path}`, 'invalid_request_url') };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const held = holds.take(url.pathname);
      await held?.released;
      const method = req.method ?? 'GET';
      const query = Object.fromEntries(url.searchParams);
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      let result: { status: number; body: unknown; headers?: Record<string, string> };
      const failure = failures[0];
      const sent = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      if (failure) {
        if (--failure.count === 0) failures.shift();
        result = { status: failure.status, body: errorBody(failure.status), headers: failure.headers };
      } else if (req.headers['notion-version'] !== VERSION) {
        result = { status: 400, body: errorBody(400, `Notion-Version header must be ${VERSION}`, 'missing_version') };
      } else if (token !== undefined && sent !== token) {
        result = { status: 401, body: errorBody(401, 'API token is invalid.') };
      } else {
        try {
          result = route(method, url.pathname, { ...query, ...body });
        } catch (error) {
          result = { status: 500, body: errorBody(500, `fake-notion: ${(error as Error).message}`) };
        }
      }
      requests.push({ method, path: url.pathname, query, body, status: result.status, headers: { ...req.headers } });
      const json = result.body === null ? '<html>Bad Gateway</html>' : JSON.stringify(result.body);
      res.writeHead(result.status, { 'content-type': result.body === null ? 'text/html' : 'application/json; charset=utf-8', ...result.headers });
      res.end(json);
      held?.answered();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const parentOf = (input: FakePageInput['parent']): FakePage['parent'] => {
    if (input === undefined) return { type: 'workspace' };
    if (typeof input === 'string') return { type: 'page_id', page_id: input };
    if ('block' in input) return { type: 'block_id', block_id: input.block };
    return { type: 'data_source_id', data_source_id: input.dataSource, database_id: sources.get(input.dataSource)?.databaseId ?? input.dataSource };
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    pages,
    addPage: (input) => {
      const id = input.id ?? fakeNotionId();
      pages.set(id, { id, title: input.title, parent: parentOf(input.parent), lastEditedTime: input.lastEditedTime ?? minuteNow(), archived: false, properties: input.properties ?? {} });
      setBlocks(id, 'page_id', input.blocks ?? []);
      return id;
    },
    editPage: (id, change) => {
      const page = pages.get(id);
      if (!page) throw new Error(`fake-notion: no page ${id}`);
      if (change.title !== undefined) page.title = change.title;
      if (change.archived !== undefined) page.archived = change.archived;
      if (change.blocks) setBlocks(id, 'page_id', change.blocks);
      page.lastEditedTime = change.lastEditedTime ?? minuteNow();
    },
    removePage: (id) => {
      pages.delete(id);
    },
    addDataSource: ({ id, title, parentPageId, databaseId }) => {
      sources.set(id, { title, databaseId: databaseId ?? `${id.slice(0, -4)}dbdb`, parentPageId: parentPageId ?? null });
    },
    hideFromSearch: (id) => hidden.add(id),
    failNext: (count, status, headers = {}) => {
      if (count > 0) failures.push({ count, status, headers });
    },
    requireToken: (value) => {
      token = value;
    },
    setMaxPageSize: (size) => {
      maxPageSize = size;
    },
    hold: (pathIncludes) => holds.hold(pathIncludes),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
