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

/** A listing answer in the framework's shape (paginate.ts), with the full objects among its results. */
function listPage<T>(answer: { next_cursor: string | null; has_more: boolean }, items: T[]): ListPage<T> {
  return { items, next: answer.has_more && answer.next_cursor ? answer.next_cursor : undefined };
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
  async search(signal: AbortSignal | undefined, startCursor?: string): Promise<ListPage<NotionPage>> {
    const answer = await this.call(signal, () =>
      this.client.search({
        filter: { property: 'object', value: 'page' },
        sort: { timestamp: 'last_edited_time', direction: 'descending' },
        page_size: this.options.pageSize,
        ...(startCursor ? { start_cursor: startCursor } : {}),
      }),
    );
    // Partial objects (no read access to their content) are left out, as objects the integration cannot read.
    return listPage(answer, answer.results.filter(isFullPage));
  }

  /** One page, or null when it does not exist or is not shared (404). */
  async page(signal: AbortSignal | undefined, pageId: string): Promise<NotionPage | null> {
    const page = await this.orNull(signal, () => this.client.pages.retrieve({ page_id: pageId }));
    return page && isFullPage(page) ? page : null;
  }

  /** One block (to walk up from a page nested in a block), or null when it is gone. */
  async block(signal: AbortSignal | undefined, blockId: string): Promise<NotionBlock | null> {
    const block = await this.orNull(signal, () => this.client.blocks.retrieve({ block_id: blockId }));
    return block && isFullBlock(block) ? block : null;
  }

  /** One page of a block's children. */
  async children(signal: AbortSignal | undefined, blockId: string, startCursor?: string): Promise<ListPage<NotionBlock>> {
    const answer = await this.call(signal, () =>
      this.client.blocks.children.list({ block_id: blockId, page_size: this.options.pageSize, ...(startCursor ? { start_cursor: startCursor } : {}) }),
    );
    return listPage(answer, answer.results.filter(isFullBlock));
  }

  /** One page of a data source's rows, those edited on or after `since` when given. */
  async queryDataSource(signal: AbortSignal | undefined, dataSourceId: string, since: string | null, startCursor?: string): Promise<ListPage<NotionPage>> {
    const answer = await this.call(signal, () =>
      this.client.dataSources.query({
        data_source_id: dataSourceId,
        page_size: this.options.pageSize,
        ...(since ? { filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: since } } } : {}),
        ...(startCursor ? { start_cursor: startCursor } : {}),
      }),
    );
    return listPage(answer, answer.results.filter(isFullPage));
  }

  /** A data source, or null when it does not exist or is not shared. */
  async dataSource(signal: AbortSignal | undefined, dataSourceId: string): Promise<NotionDataSource | null> {
    const source = await this.orNull(signal, () => this.client.dataSources.retrieve({ data_source_id: dataSourceId }));
    return source && isFullDataSource(source) ? source : null;
  }

  /** A database with its data sources, or null when it does not exist (deleted) or is not shared. */
  async database(signal: AbortSignal | undefined, databaseId: string): Promise<NotionDatabase | null> {
    const database = await this.orNull(signal, () => this.client.databases.retrieve({ database_id: databaseId }));
    return database && isFullDatabase(database) ? database : null;
  }

  private call<T>(signal: AbortSignal | undefined, request: () => Promise<T>): Promise<T> {
    return this.http.call(signal, (s) => this.callSignal.run(s, request));
  }

  private orNull<T>(signal: AbortSignal | undefined, request: () => Promise<T>): Promise<T | null> {
    return this.http.orNull(signal, (s) => this.callSignal.run(s, request));
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
