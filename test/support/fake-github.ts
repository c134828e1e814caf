import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  badCredentialsBody,
  createGithubBodies,
  type FakeRateLimit,
  type GithubBodies,
  notFoundBody,
  primaryRateLimitBody,
  secondaryRateLimitBody,
} from './fake-github-bodies.ts';
import { FakeGitRepo } from './fake-github-repo.ts';
import { type HeldRequest, RequestHolds } from './held-requests.ts';

export { primaryRateLimitBody, secondaryRateLimitBody };

/** One request the fake answered, in arrival order. */
export interface FakeGithubRequest {
  method: string;
  /** Path without the query string, as sent (still percent-encoded). */
  path: string;
  query: Record<string, string>;
  /** Status the fake answered. */
  status: number;
  /** Request headers, lower-cased by node:http. */
  headers: Record<string, string | string[] | undefined>;
  /** Whether the request used one unit of `rateLimit.remaining`. */
  countedAgainstRateLimit: boolean;
}

/** Options of a scripted failure. */
export interface FakeGithubFailure {
  /** Only requests whose path contains this string fail. */
  pathIncludes?: string;
  /** Extra response headers, e.g. `{ 'retry-after': '1' }`; they override the x-ratelimit-* ones. */
  headers?: Record<string, string>;
  /** Response body; default: Bad credentials for 401, the primary rate-limit body for 403/429, else `{ message: <reason> }`. */
  body?: unknown;
}

/** A local GitHub REST API serving one repository, for octokit's `baseUrl`. */
export interface FakeGithub {
  /** Base URL, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** Every request, in order, with the status answered. */
  requests: FakeGithubRequest[];
  /** New commit on `branch` (default: the default branch; a new branch starts from it) applying path -> content, or null to delete. Returns the sha. */
  commit(changes: Record<string, string | null>, options?: { branch?: string; message?: string }): string;
  /** Replaces the branch head with a root commit holding exactly `files`; compare with the old commits answers 404. */
  forcePush(files: Record<string, string>, options?: { branch?: string }): string;
  /** Renames a file in a new commit; compare reports it as 'renamed' with previous_filename. */
  rename(from: string, to: string, options?: { branch?: string }): string;
  /** Head sha of a branch (default: the default branch). */
  headOf(branch?: string): string;
  /**
   * Points the branch back at an earlier commit of its history without any push hint (a reset whose webhook was
   * lost): compare from the newer head answers `behind` with no files, so only a tree listing shows what went.
   */
  resetTo(sha: string, options?: { branch?: string }): void;
  /** Live rate-limit numbers; tests may edit them. `reset` is in epoch seconds; once it passes the window refills. */
  rateLimit: FakeRateLimit;
  /** Answers the next `count` requests (matching `pathIncludes`) with `status`, before the token and rate-limit checks; calls queue up. */
  failNext(count: number, status: number, options?: FakeGithubFailure): void;
  /** Caps compare's `files` (GitHub stops at 300). */
  setCompareFileLimit(max: number): void;
  /** Makes recursive tree answers list only their first half with `truncated: true`. */
  setTreeTruncated(truncated: boolean): void;
  /** Requires `Authorization: token X` or `Bearer X`; others get 401 Bad credentials. Undefined allows anonymous calls. */
  requireToken(token: string | undefined): void;
  /** Holds the next request whose path contains `pathIncludes` unanswered until `release()`; it is logged when answered. */
  hold(pathIncludes?: string): HeldRequest;
  close(): Promise<void>;
}

/** Options of startFakeGithub. */
export interface FakeGithubOptions {
  owner: string;
  repo: string;
  /** Default 'main'. */
  defaultBranch?: string;
  /** Files of the initial commit, path -> content. */
  files?: Record<string, string>;
  /** Other repositories of the same owner, name -> files of their initial commit on `main` (read-only). */
  otherRepos?: Record<string, Record<string, string>>;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const WINDOW_SECONDS = 3600;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Starts the fake on 127.0.0.1 with a free port and an initial commit on the default branch. */
export async function startFakeGithub(options: FakeGithubOptions): Promise<FakeGithub> {
  const { owner, repo: name } = options;
  const repo = new FakeGitRepo(options.defaultBranch ?? 'main', options.files ?? {});
  const requests: FakeGithubRequest[] = [];
  const rateLimit: FakeRateLimit = { limit: 5000, remaining: 5000, reset: nowSeconds() + WINDOW_SECONDS, used: 0 };
  const failures: (FakeGithubFailure & { count: number; status: number })[] = [];
  let token: string | undefined;
  let treeTruncated = false;
  let compareFileLimit = 300;
  let bodies: GithubBodies;
  const others = new Map(Object.entries(options.otherRepos ?? {}).map(([other, files]) => [other.toLowerCase(), { repo: new FakeGitRepo('main', files), name: other }]));
  let otherBodies = new Map<string, GithubBodies>();
  const holds = new RequestHolds();

  const route = (path: string, query: Record<string, string>): Answer => {
    if (path === '/rate_limit') return { status: 200, body: bodies.rateLimit(rateLimit) };
    const other = others.get(/^\/repos\/[^/]+\/([^/]+)/.exec(path)?.[1]?.toLowerCase() ?? '');
    if (other && path.toLowerCase().startsWith(`/repos/${owner}/`.toLowerCase())) return routeIn(other.repo, otherBodies.get(other.name)!, other.name, path, query);
    return routeIn(repo, bodies, name, path, query);
  };

  const routeIn = (repo: FakeGitRepo, bodies: GithubBodies, name: string, path: string, query: Record<string, string>): Answer => {
    const prefix = `/repos/${owner}/${name}`.toLowerCase();
    if (!path.toLowerCase().startsWith(prefix)) return { status: 404, body: notFoundBody };
    const rest = path.slice(prefix.length).replace(/\/$/, '');
    const [, kind, arg] = /^(?:\/(commits|git\/trees|git\/blobs|compare|contents)(?:\/(.*))?)?$/.exec(rest) ?? [];
    let param = '';
    try {
      param = arg === undefined ? '' : decodeURIComponent(arg);
    } catch {
      return { status: 404, body: notFoundBody }; // malformed %-escape
    }
    if (rest === '') return { status: 200, body: bodies.repository() };
    if (kind === 'commits' && param) {
      const commit = repo.resolve(param);
      // GitHub answers an unknown ref here with 422 "No commit found for SHA", not 404; the operation documents a 422.
      return commit ? { status: 200, body: bodies.commit(commit) } : { status: 422, body: bodies.noCommit(param) };
    }
    if (kind === 'git/trees' && param) {
      const tree = repo.trees.has(param) ? param : repo.resolve(param)?.tree;
      // Any value of `recursive` turns it on (docs: "setting recursive to any of 0, 1, true, false").
      const recursive = 'recursive' in query;
      return tree ? { status: 200, body: bodies.tree(tree, recursive, recursive && treeTruncated) } : { status: 404, body: notFoundBody };
    }
    if (kind === 'git/blobs' && param) {
      const data = repo.blobs.get(param);
      return data ? { status: 200, body: bodies.blob(param, data) } : { status: 404, body: notFoundBody };
    }
    if (kind === 'compare' && param.includes('...')) {
      const [baseRef, headRef] = [param.slice(0, param.indexOf('...')), param.slice(param.indexOf('...') + 3)];
      const base = repo.resolve(baseRef);
      const head = repo.resolve(headRef);
      if (!base || !head) return { status: 404, body: notFoundBody };
      const cmp = repo.compare(base, head);
      if (!cmp) return { status: 404, body: bodies.noCommonAncestor(baseRef, headRef) };
      return { status: 200, body: bodies.compare(base, head, param, cmp, compareFileLimit) };
    }
    if (kind === 'contents') {
      const ref = query.ref ?? repo.defaultBranch;
      const commit = repo.resolve(ref);
      const entry = commit && repo.find(commit, param);
      if (!entry) return { status: 404, body: notFoundBody };
      return { status: 200, body: entry.type === 'tree' ? bodies.directory(param, entry, ref) : bodies.file(param, entry, ref) };
    }
    return { status: 404, body: notFoundBody };
  };

  const answer = (method: string, path: string, query: Record<string, string>, headers: IncomingHttpHeaders): Answer => {
    const failure = failures.find((f) => !f.pathIncludes || path.includes(f.pathIncludes));
    if (failure) {
      if (--failure.count === 0) failures.splice(failures.indexOf(failure), 1);
      const body = failure.body ?? (failure.status === 401 ? badCredentialsBody : [403, 429].includes(failure.status) ? primaryRateLimitBody : { message: STATUS_CODES[failure.status] });
      const limited: Record<string, string> = body === primaryRateLimitBody ? { 'x-ratelimit-remaining': '0' } : {};
      return { status: failure.status, body, headers: { ...limited, ...failure.headers } };
    }
    const sent = /^(?:token|bearer)\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (token !== undefined && sent !== token) return { status: 401, body: badCredentialsBody };
    if (nowSeconds() >= rateLimit.reset) Object.assign(rateLimit, { remaining: rateLimit.limit, used: 0, reset: nowSeconds() + WINDOW_SECONDS });
    if (path !== '/rate_limit' && rateLimit.remaining <= 0) return { status: 403, body: primaryRateLimitBody };
    const routed = method === 'GET' || method === 'HEAD' ? route(path, query) : { status: 404, body: notFoundBody };
    if (routed.status !== 200) return routed;
    // Weak ETag of the body, as GitHub sends on GETs; If-None-Match may list several, weak or strong.
    const etag = `W/"${createHash('sha256').update(JSON.stringify(routed.body)).digest('hex')}"`;
    const wanted = String(headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (wanted.includes(etag.slice(2))) return { status: 304, headers: { etag } };
    return { ...routed, headers: { etag } };
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const held = holds.take(url.pathname);
    await held?.released;
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    let result: Answer;
    try {
      result = answer(method, url.pathname, query, req.headers);
    } catch (error) {
      // A bug in the fake must fail the request under test, not crash the test worker.
      result = { status: 500, body: { message: `fake-github: ${(error as Error).message}` } };
    }
    // GitHub: /rate_limit is free, and a conditional request answered 304 does not count (best-practices docs); 401s are
    // charged to another (anonymous) bucket and a rate-limited answer has nothing left to charge.
    const counted = url.pathname !== '/rate_limit' && result.status !== 304 && result.status !== 401 && result.body !== primaryRateLimitBody;
    if (counted) {
      rateLimit.remaining = Math.max(0, rateLimit.remaining - 1);
      rateLimit.used = Math.min(rateLimit.limit, rateLimit.used + 1);
    }
    requests.push({ method, path: url.pathname, query, status: result.status, headers: { ...req.headers }, countedAgainstRateLimit: counted });
    const json = result.body === undefined ? '' : JSON.stringify(result.body);
    res.writeHead(result.status, {
      ...(result.status === 304 ? {} : { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }),
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': String(rateLimit.limit),
      'x-ratelimit-remaining': String(rateLimit.remaining),
      'x-ratelimit-reset': String(rateLimit.reset),
      'x-ratelimit-used': String(rateLimit.used),
      'x-ratelimit-resource': 'core',
      ...result.headers,
    });
    res.end(method === 'HEAD' ? undefined : json);
    held?.answered();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bodies = createGithubBodies(repo, url, owner, name);
  otherBodies = new Map([...others.values()].map((o) => [o.name, createGithubBodies(o.repo, url, owner, o.name)]));

  return {
    url,
    requests,
    rateLimit,
    commit: (changes, o) => repo.commit(o?.branch ?? repo.defaultBranch, changes, o?.message ?? `Update ${Object.keys(changes).join(', ')}`),
    forcePush: (files, o) => repo.forcePush(o?.branch ?? repo.defaultBranch, files),
    rename: (from, to, o) => repo.rename(o?.branch ?? repo.defaultBranch, from, to),
    headOf: (branch) => repo.head(branch),
    resetTo: (sha, o) => {
      const branch = o?.branch ?? repo.defaultBranch;
      if (!repo.commits.has(sha)) throw new Error(`fake-github: no commit ${sha}`);
      repo.branches.set(branch, sha);
    },
    failNext: (count, status, o = {}) => {
      if (count > 0) failures.push({ ...o, count, status });
    },
    setCompareFileLimit: (max) => {
      compareFileLimit = max;
    },
    setTreeTruncated: (value) => {
      treeTruncated = value;
    },
    requireToken: (value) => {
      token = value;
    },
    hold: (pathIncludes) => holds.hold(pathIncludes),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
