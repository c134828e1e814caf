import { AsyncLocalStorage } from 'node:async_hooks';
import { Client, isFullBlock, isFullDatabase, isFullDataSource, isFullPage, LogLevel } from '@notionhq/client';
import { type PacerClock, systemClock } from '../http/pacer-clock.ts';
import { RequestPacer } from '../http/request-pacer.ts';
import { SourceHttpClient } from '../http/source-http-client.ts';
import { classifyNotionFailure } from './notion-errors.ts';
import type { NotionOptions } from './notion-options.ts';
import type { ListPage } from '../paginate.ts';
import type { NotionBlock, NotionDatabase, NotionDataSource, NotionPage } from './notion-types.ts';

/** The API version this connector speaks (databases hold data sources; `dataSources.query`). */
export const NOTION_VERSION = '2025-09-03';

/** The paging parameters of a Notion listing request. */
interface Paging {
  page_size: number;
  start_cursor?: string;
}

/** The part of a Notion listing answer that paging reads. */
interface ListingAnswer<Result> {
  results: Result[];
  next_cursor: string | null;
  has_more: boolean;
}

/**
 * The few Notion calls the connector makes, through `@notionhq/client` with its own retries off (the connector's
 * statechart decides about retries and waits out rate limits), wrapped in the sources' HTTP client (pacing under
 * the per-integration limit, timeout, abort, classification).
 */
export class NotionClient {
  private readonly client: Client;
  readonly http: SourceHttpClient;
  /** The signal of the call in progress: the SDK takes none, so its `fetch` is wrapped to pass this one on. */
  private readonly callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

  constructor(
    connector: string,
    private readonly options: NotionOptions,
    clock: PacerClock = systemClock,
    fetchImpl?: typeof fetch,
  ) {
    const pacer = new RequestPacer({ requestsPerSecond: options.requestsPerSecond }, clock);
    this.http = new SourceHttpClient({ connector, timeoutMs: options.requestTimeoutMs, pacer, classify: classifyNotionFailure });
    this.client = new Client({
      auth: options.token || undefined,
      baseUrl: options.apiUrl,
      notionVersion: NOTION_VERSION,
      timeoutMs: options.requestTimeoutMs,
      retry: false,
      logLevel: LogLevel.ERROR,
      logger: () => {},
      fetch: this.fetchWithSignal(fetchImpl ?? fetch),
    });
  }

  /** Pages shared with the integration, most recently edited first. */
  search(signal: AbortSignal | undefined, startCursor?: string): Promise<ListPage<NotionPage>> {
    const sort = { timestamp: 'last_edited_time', direction: 'descending' } as const;
    return this.listing(signal, startCursor, isFullPage, (paging) => this.client.search({ filter: { property: 'object', value: 'page' }, sort, ...paging }));
  }

  /** One page, or null when it does not exist or is not shared (404). */
  page(signal: AbortSignal | undefined, pageId: string): Promise<NotionPage | null> {
    return this.retrieved(signal, isFullPage, () => this.client.pages.retrieve({ page_id: pageId }));
  }

  /** One block (to walk up from a page nested in a block), or null when it is gone. */
  block(signal: AbortSignal | undefined, blockId: string): Promise<NotionBlock | null> {
    return this.retrieved(signal, isFullBlock, () => this.client.blocks.retrieve({ block_id: blockId }));
  }

  /** One page of a block's children. */
  children(signal: AbortSignal | undefined, blockId: string, startCursor?: string): Promise<ListPage<NotionBlock>> {
    return this.listing(signal, startCursor, isFullBlock, (paging) => this.client.blocks.children.list({ block_id: blockId, ...paging }));
  }

  /** One page of a data source's rows, those edited on or after `since` when given. */
  queryDataSource(signal: AbortSignal | undefined, dataSourceId: string, since: string | null, startCursor?: string): Promise<ListPage<NotionPage>> {
    const filter = since ? { filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: since } } as const } : {};
    return this.listing(signal, startCursor, isFullPage, (paging) => this.client.dataSources.query({ data_source_id: dataSourceId, ...filter, ...paging }));
  }

  /** A data source, or null when it does not exist or is not shared. */
  dataSource(signal: AbortSignal | undefined, dataSourceId: string): Promise<NotionDataSource | null> {
    return this.retrieved(signal, isFullDataSource, () => this.client.dataSources.retrieve({ data_source_id: dataSourceId }));
  }

  /** A database with its data sources, or null when it does not exist (deleted) or is not shared. */
  database(signal: AbortSignal | undefined, databaseId: string): Promise<NotionDatabase | null> {
    return this.retrieved(signal, isFullDatabase, () => this.client.databases.retrieve({ database_id: databaseId }));
  }

  /**
   * One page of a listing in the framework's shape (paginate.ts): `request` gets the page size and the cursor, and
   * partial objects (no read access to their content) are left out, as objects the integration cannot read.
   */
  private async listing<Result, Item extends Result>(
    signal: AbortSignal | undefined,
    startCursor: string | undefined,
    isFull: (result: Result) => result is Item,
    request: (paging: Paging) => Promise<ListingAnswer<Result>>,
  ): Promise<ListPage<Item>> {
    const paging: Paging = { page_size: this.options.pageSize, ...(startCursor ? { start_cursor: startCursor } : {}) };
    const answer = await this.call(signal, () => request(paging));
    return { items: answer.results.filter(isFull), next: answer.has_more && answer.next_cursor ? answer.next_cursor : undefined };
  }

  private call<T>(signal: AbortSignal | undefined, request: () => Promise<T>): Promise<T> {
    return this.http.call(signal, (s) => this.callSignal.run(s, request));
  }

  /** One object, or null when it does not exist, is not shared (404), or is partial (no read access to its content). */
  private async retrieved<Result, Item extends Result>(
    signal: AbortSignal | undefined,
    isFull: (result: Result) => result is Item,
    request: () => Promise<Result>,
  ): Promise<Item | null> {
    const found = await this.http.orNull(signal, (s) => this.callSignal.run(s, request));
    return found !== null && isFull(found) ? found : null;
  }

  /**
   * The SDK's fetch, with the signal of the call in progress: @notionhq/client 5.x accepts no per-request signal
   * (its `timeoutMs` only stops waiting; it does not abort the request).
   */
  private fetchWithSignal(fetchImpl: typeof fetch): typeof fetch {
    return (input, init) => {
      const signal = this.callSignal.getStore();
      return fetchImpl(input, signal ? { ...init, signal } : init);
    };
  }
}
