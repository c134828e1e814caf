import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, type FakeConfluencePage, v1Body, v2Body } from './fake-confluence-bodies.ts';
import { parseFakeCql } from './fake-confluence-cql.ts';
import { type HeldRequest, RequestHolds } from './held-requests.ts';

export type { FakeConfluencePage } from './fake-confluence-bodies.ts';

/** One request the fake answered, in arrival order. */
export interface FakeConfluenceRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  authorization: string | undefined;
}

/** A page as a test adds it. */
export interface FakeConfluencePageInput {
  id?: string;
  type?: 'page' | 'blogpost';
  space: string;
  title: string;
  storage?: string;
  parentId?: string;
  /** Epoch ms or ISO; default now. */
  modifiedAt?: number | string;
}

/** Options of the fake site. */
export interface FakeConfluenceOptions {
  /** `cloud`: served under /wiki with REST v2 and v1; `datacenter`: at the root with v1 only. Default cloud. */
  flavor?: 'cloud' | 'datacenter';
  /** The zone CQL dates are read in. Default UTC. */
  siteZone?: string;
  /** Results per page at most, to force pagination. Default 2. */
  maxPageSize?: number;
}

/** A local Confluence (Cloud or Data Center) over an in-memory site, with a request log. */
export interface FakeConfluence {
  /** What `metadata.base_url` should be: `<origin>/wiki` for Cloud, the origin for Data Center. */
  baseUrl: string;
  requests: FakeConfluenceRequest[];
  pages: Map<string, FakeConfluencePage>;
  addSpace(key: string): void;
  addPage(page: FakeConfluencePageInput): string;
  /** A new version of a page (bumps the version; `modifiedAt` default now). */
  editPage(id: string, change: { title?: string; storage?: string; parentId?: string; modifiedAt?: number | string }): void;
  trashPage(id: string): void;
  /** Purges a page: 404 everywhere. */
  removePage(id: string): void;
  /** Answers the next `count` requests with `status` and these headers. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Headers added to every answer (e.g. `x-ratelimit-nearlimit: true`). */
  setHeaders(headers: Record<string, string>): void;
  /** Requires exactly this Authorization header; others get 401. */
  requireAuthorization(value: string): void;
  /** Holds the next request whose path contains `pathIncludes` unanswered until `release()`; it is logged when answered. */
  hold(pathIncludes?: string): HeldRequest;
  close(): Promise<void>;
}

let counter = 1000;

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeConfluence(options: FakeConfluenceOptions = {}): Promise<FakeConfluence> {
  const flavor = options.flavor ?? 'cloud';
  const zone = options.siteZone ?? 'UTC';
  const maxPageSize = options.maxPageSize ?? 2;
  const prefix = flavor === 'cloud' ? '/wiki' : '';
  const pages = new Map<string, FakeConfluencePage>();
  const spaces = new Map<string, string>();
  const requests: FakeConfluenceRequest[] = [];
  const failures: { count: number; status: number; headers: Record<string, string> }[] = [];
  let extraHeaders: Record<string, string> = {};
  let requiredAuth: string | undefined;
  const holds = new RequestHolds();
  let origin = '';
  const at = (value: number | string | undefined) => (value === undefined ? Date.now() : typeof value === 'number' ? value : Date.parse(value));
  const ancestorsOf = (page: FakeConfluencePage) => {
    const chain: string[] = [];
    for (let p = page.parentId; p !== undefined && chain.length < 50; p = pages.get(p)?.parentId) chain.unshift(p);
    return chain;
  };
  // Sorted once per change, not per request: a 100,000-page site is listed in hundreds of requests (bench).
  let byId: FakeConfluencePage[] | null = null;
  const sorted = () => {
    byId ??= [...pages.values()].sort((a, b) => Number(a.id) - Number(b.id));
    return byId;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const held = holds.take(url.pathname);
    await held?.released;
    const query = Object.fromEntries(url.searchParams);
    const record = (status: number) => requests.push({ method: req.method ?? 'GET', path: url.pathname, query, status, authorization: req.headers.authorization });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record(status);
      res.writeHead(status, { 'content-type': 'application/json', ...extraHeaders, ...headers });
      res.end(JSON.stringify(body));
      held?.answered();
    };
    const failure = failures[0];
    if (failure) {
      if (--failure.count <= 0) failures.shift();
      return send(failure.status, errorBody(failure.status, 'injected failure'), failure.headers);
    }
    if (requiredAuth !== undefined && req.headers.authorization !== requiredAuth) return send(401, errorBody(401, 'Unauthorized'));
    if (!url.pathname.startsWith(prefix)) return send(404, errorBody(404, 'not under the context path'));
    const path = url.pathname.slice(prefix.length);
    const base = `${origin}${prefix}`;
    const limit = Math.min(Number(query.limit ?? 25), maxPageSize);
    const slice = <T>(items: T[], start: number) => items.slice(start, start + limit);

    const spacePages = /^\/api\/v2\/spaces\/(\d+)\/(pages|blogposts)$/.exec(path);
    const v2One = /^\/api\/v2\/(pages|blogposts)\/(\d+)$/.exec(path);
    const v1One = /^\/rest\/api\/content\/(\d+)$/.exec(path);
    if (flavor === 'cloud' && path === '/api/v2/spaces') {
      const keys = (query.keys ?? '').split(',');
      return send(200, { results: [...spaces].filter(([k]) => keys.includes(k)).map(([key, id]) => ({ id, key, name: key, type: 'global', status: 'current' })), _links: { base } });
    }
    if (flavor === 'cloud' && spacePages) {
      const m = spacePages;
      const key = [...spaces].find(([, id]) => id === m[1])?.[0];
      const type = m[2] === 'pages' ? 'page' : 'blogpost';
      const all = sorted().filter((p) => p.spaceKey === key && p.type === type && p.status === 'current');
      const start = query.cursor ? Number(Buffer.from(query.cursor, 'base64url').toString()) : 0;
      const results = slice(all, start).map((p) => v2Body(p, spaces.get(p.spaceKey)!, query['body-format'] === 'storage'));
      const more = start + limit < all.length;
      const params = new URLSearchParams({ ...query, cursor: Buffer.from(String(start + limit)).toString('base64url') });
      const next = `${prefix}/api/v2/spaces/${m[1]}/${m[2]}?${params}`;
      return send(200, { results, _links: { ...(more ? { next } : {}), base } }, more ? { link: `<${next}>; rel="next", <${base}>; rel="base"` } : {});
    }
    if (flavor === 'cloud' && v2One) {
      const m = v2One;
      const page = pages.get(m[2]!);
      if (!page || page.type !== (m[1] === 'pages' ? 'page' : 'blogpost')) return send(404, errorBody(404, 'not found'));
      return send(200, { ...v2Body(page, spaces.get(page.spaceKey)!, query['body-format'] === 'storage'), _links: { ...v2Body(page, '', false)._links, base } });
    }
    if (path === '/rest/api/content' || path === '/rest/api/content/search') {
      const start = Number(query.start ?? 0);
      const bare = !(query.expand ?? '').includes('body.storage');
      let all: FakeConfluencePage[];
      if (path === '/rest/api/content') {
        all = sorted().filter((p) => p.spaceKey === query.spaceKey && p.type === (query.type ?? 'page') && p.status === 'current');
      } else {
        const cql = parseFakeCql(query.cql ?? '', zone);
        all = [...pages.values()]
          .filter((p) => p.status === 'current' && cql.spaces.includes(p.spaceKey) && cql.types.includes(p.type) && (cql.modifiedFrom === null || p.modifiedAt >= cql.modifiedFrom))
          .sort((a, b) => a.modifiedAt - b.modifiedAt || Number(a.id) - Number(b.id));
      }
      const results = slice(all, start).map((p) => v1Body(p, ancestorsOf(p), base, bare));
      const more = start + limit < all.length;
      const next = `${path}?${new URLSearchParams({ ...query, start: String(start + limit) })}`;
      return send(200, { results, start, limit, size: results.length, _links: { ...(more ? { next } : {}), base, context: prefix } });
    }
    if (v1One) {
      const m = v1One;
      const page = pages.get(m[1]!);
      if (!page || (page.status !== 'current' && query.status !== 'any' && query.status !== 'trashed')) return send(404, errorBody(404, 'not found'));
      return send(200, { ...v1Body(page, ancestorsOf(page), base, false), _links: { ...v1Body(page, [], base, true)._links, base } });
    }
    return send(404, errorBody(404, `no route ${path}`));
  });
  // Node closes idle keep-alive sockets after 5 s, and a client reusing one just then gets ECONNRESET: a 100,000-page
  // backfill spends longer than that between two requests (bench). Real sites keep connections open far longer.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeConfluence = {
    baseUrl: `${origin}${prefix}`,
    requests,
    pages,
    addSpace(key) {
      if (!spaces.has(key)) spaces.set(key, String(++counter));
    },
    addPage(input) {
      byId = null;
      fake.addSpace(input.space);
      const id = input.id ?? String(++counter);
      const storage = input.storage ?? `<p>${input.title}</p>`;
      pages.set(id, { id, type: input.type ?? 'page', spaceKey: input.space, title: input.title, storage, version: 1, modifiedAt: at(input.modifiedAt), parentId: input.parentId, status: 'current' });
      return id;
    },
    editPage(id, change) {
      const page = pages.get(id)!;
      Object.assign(page, { ...change, version: page.version + 1, modifiedAt: at(change.modifiedAt) });
    },
    trashPage(id) {
      pages.get(id)!.status = 'trashed';
    },
    removePage(id) {
      byId = null;
      pages.delete(id);
    },
    failNext(count, status, headers = {}) {
      failures.push({ count, status, headers });
    },
    setHeaders(headers) {
      extraHeaders = headers;
    },
    requireAuthorization(value) {
      requiredAuth = value;
    },
    hold: (pathIncludes) => holds.hold(pathIncludes),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return fake;
}
