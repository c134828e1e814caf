import { type PacerClock, systemClock } from '../http/pacer-clock.ts';
import { RequestPacer } from '../http/request-pacer.ts';
import { SourceHttpClient } from '../http/source-http-client.ts';
import { classifyConfluenceFailure } from './confluence-errors.ts';
import type { ConfluenceOptions } from './confluence-options.ts';
import type { V1Content, V1List, V2List, V2Page, V2Space } from './confluence-types.ts';

/** What v1 calls expand: the body, version, ancestors (for CHILD_OF) and space key. */
export const V1_EXPAND = 'body.storage,version,ancestors,space';

/** One listing page and where the next one is (an absolute URL), if any. */
export interface Listed<T> {
  results: T[];
  next: string | undefined;
  base: string;
}

/**
 * The few Confluence REST calls the connector makes, with `fetch` wrapped in the sources' HTTP client: paced by the
 * rate-limit headers, with a timeout, each failure classified. No retries here: the connector's statechart retries polls.
 */
export class ConfluenceClient {
  readonly http: SourceHttpClient;

  constructor(
    connector: string,
    private readonly options: ConfluenceOptions,
    clock: PacerClock = systemClock,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    const pacer = new RequestPacer({ nearLimitPauseMs: options.nearLimitPauseMs }, clock);
    const auth = options.email !== '' ? 'CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN' : 'CONFLUENCE_PAT';
    this.http = new SourceHttpClient({ connector, timeoutMs: options.requestTimeoutMs, pacer, classify: classifyConfluenceFailure(auth) });
  }

  /** Cloud: space key → id (`GET /api/v2/spaces?keys=`). */
  async spaceIds(signal: AbortSignal | undefined, keys: string[]): Promise<V2Space[]> {
    const answer = await this.get<V2List<V2Space>>(this.url(`/api/v2/spaces?keys=${keys.map(encodeURIComponent).join(',')}&limit=250`), signal);
    return answer.body.results;
  }

  /** Cloud: one page of a space's pages or blog posts, with bodies unless `bare` (`/api/v2/spaces/{id}/pages`). */
  async v2SpaceContent(signal: AbortSignal | undefined, spaceId: string, type: 'page' | 'blogpost', bare: boolean, next?: string): Promise<Listed<V2Page>> {
    const path = `/api/v2/spaces/${encodeURIComponent(spaceId)}/${type === 'page' ? 'pages' : 'blogposts'}?limit=${this.options.pageSize}${bare ? '' : '&body-format=storage'}`;
    return this.listed<V2Page>(next ?? this.url(path), 'v2', signal);
  }

  /** Cloud: one page or blog post, or null when it is gone for good (404). */
  async v2Content(signal: AbortSignal | undefined, id: string, type: 'page' | 'blogpost'): Promise<V2Page | null> {
    const path = `/api/v2/${type === 'page' ? 'pages' : 'blogposts'}/${encodeURIComponent(id)}?body-format=storage`;
    return this.orNull<V2Page>(this.url(path), signal);
  }

  /** Data Center: one page of a space's content (`/rest/api/content?spaceKey=&type=`), expanded unless `bare`. */
  v1SpaceContent(signal: AbortSignal | undefined, spaceKey: string, type: 'page' | 'blogpost', bare: boolean, next?: string): Promise<Listed<V1Content>> {
    const expand = bare ? 'version' : V1_EXPAND;
    const path = `/rest/api/content?spaceKey=${encodeURIComponent(spaceKey)}&type=${type}&expand=${expand}&start=0&limit=${this.options.pageSize}`;
    return this.listed<V1Content>(next ?? this.url(path), 'v1', signal);
  }

  /** Data Center: one page or blog post, whatever its status, or null when purged (404). */
  async v1Content(signal: AbortSignal | undefined, id: string): Promise<V1Content | null> {
    const path = `/rest/api/content/${encodeURIComponent(id)}?status=any&expand=${V1_EXPAND}`;
    return this.orNull<V1Content>(this.url(path), signal);
  }

  /** Both flavors: one page of a CQL search (`/rest/api/content/search`), expanded. */
  search(signal: AbortSignal | undefined, cql: string, next?: string): Promise<Listed<V1Content>> {
    const path = `/rest/api/content/search?cql=${encodeURIComponent(cql)}&expand=${V1_EXPAND}&limit=${this.options.pageSize}`;
    return this.listed<V1Content>(next ?? this.url(path), 'v1', signal);
  }

  private url(path: string): string {
    return `${this.options.baseUrl}${path}`;
  }

  private async listed<T>(url: string, api: 'v1' | 'v2', signal?: AbortSignal): Promise<Listed<T>> {
    const { body, headers } = await this.get<V1List<T>>(url, signal);
    const base = body._links?.base ?? this.options.baseUrl;
    const link = /<([^>]+)>;\s*rel="next"/.exec(headers.get('link') ?? '')?.[1];
    const next = body._links?.next ?? link;
    return { results: body.results ?? [], next: next ? this.resolveNext(next, api) : undefined, base };
  }

  /**
   * v2 next links are relative to the host (`/wiki/api/v2/...`), v1 ones to the site root (`/rest/api/...`,
   * to be prefixed with `_links.base`, which includes `/wiki` or a Data Center context path).
   */
  private resolveNext(next: string, api: 'v1' | 'v2'): string {
    if (/^https?:\/\//.test(next)) return next;
    const site = new URL(this.options.baseUrl);
    const prefix = site.pathname.replace(/\/+$/, '');
    if (api === 'v2' || (prefix !== '' && next.startsWith(`${prefix}/`))) return new URL(next, site.origin).toString();
    return `${this.options.baseUrl}${next}`;
  }

  private async orNull<T>(url: string, signal?: AbortSignal): Promise<T | null> {
    return (await this.http.orNull(signal, (s) => this.send<T>(url, s), (answer) => answer.headers))?.body ?? null;
  }

  /** One GET; `signal` (the poll's) aborts it along with the request timeout. */
  private get<T>(url: string, signal?: AbortSignal): Promise<{ body: T; headers: Headers }> {
    return this.http.call(signal, (s) => this.send<T>(url, s), (answer) => answer.headers);
  }

  private async send<T>(url: string, signal: AbortSignal): Promise<{ body: T; headers: Headers }> {
    const response = await this.fetchImpl(url, { headers: { accept: 'application/json', ...this.authorization() }, signal });
    if (!response.ok) {
      const detail = await response.text().catch(() => '');
      throw Object.assign(new Error(detail.slice(0, 200)), { status: response.status, headers: response.headers });
    }
    return { body: (await response.json()) as T, headers: response.headers };
  }

  /** Cloud: basic auth with e-mail and API token; Data Center: the personal access token as a bearer token. */
  private authorization(): Record<string, string> {
    const { email, token } = this.options;
    if (token === '') return {};
    if (email !== '') return { authorization: `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}` };
    return { authorization: `Bearer ${token}` };
  }
}
