import { AsyncLocalStorage } from 'node:async_hooks';
import { Client, LogLevel } from '@notionhq/client';
import { classifyNotionError, isNotFound } from './notion-errors.ts';
import type { NotionOptions } from './notion-options.ts';
import { RequestPacer } from './notion-pacer.ts';
import { type PacerClock, systemClock } from '../pacer-clock.ts';
import type { NotionBlock, NotionDatabase, NotionDataSource, NotionList, NotionPage } from './notion-types.ts';

/** The API version this connector speaks (databases hold data sources; `dataSources.query`). */
export const NOTION_VERSION = '2025-09-03';

/**
 * The few Notion calls the connector makes, through `@notionhq/client` with its own retries off (the connector's
 * statechart decides about retries and waits out rate limits), each paced under the per-integration limit and
 * each failure classified where it is thrown.
 */
export class NotionClient {
  private readonly client: Client;
  readonly pacer: RequestPacer;
  /** Rate-limit answers seen (429/529), for health. */
  readonly counters = { rate_limited: 0 };
  /** The signal of the call in progress: the SDK takes none, so its `fetch` is wrapped to pass this one on. */
  private readonly callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

  constructor(
    private readonly connector: string,
    private readonly options: NotionOptions,
    clock: PacerClock = systemClock,
    fetchImpl?: typeof fetch,
  ) {
    this.pacer = new RequestPacer(options.requestsPerSecond, clock);
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
  search(startCursor?: string, signal?: AbortSignal): Promise<NotionList<NotionPage>> {
    return this.call(signal, () =>
      this.client.search({
        filter: { property: 'object', value: 'page' },
        sort: { timestamp: 'last_edited_time', direction: 'descending' },
        page_size: this.options.pageSize,
        ...(startCursor ? { start_cursor: startCursor } : {}),
      }),
    );
  }

  /** One page, or null when it does not exist or is not shared (404). */
  async page(pageId: string, signal?: AbortSignal): Promise<NotionPage | null> {
    try {
      return await this.call(signal, () => this.client.pages.retrieve({ page_id: pageId }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** One block (to walk up from a page nested in a block), or null when it is gone. */
  async block(blockId: string, signal?: AbortSignal): Promise<NotionBlock | null> {
    try {
      return await this.call(signal, () => this.client.blocks.retrieve({ block_id: blockId }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** One page of a block's children. */
  children(blockId: string, startCursor?: string, signal?: AbortSignal): Promise<NotionList<NotionBlock>> {
    return this.call(signal, () =>
      this.client.blocks.children.list({ block_id: blockId, page_size: this.options.pageSize, ...(startCursor ? { start_cursor: startCursor } : {}) }),
    );
  }

  /** One page of a data source's rows, those edited on or after `since` when given. */
  queryDataSource(dataSourceId: string, since: string | null, startCursor?: string, signal?: AbortSignal): Promise<NotionList<NotionPage>> {
    return this.call(signal, () =>
      this.client.dataSources.query({
        data_source_id: dataSourceId,
        page_size: this.options.pageSize,
        ...(since ? { filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: since } } } : {}),
        ...(startCursor ? { start_cursor: startCursor } : {}),
      }),
    );
  }

  /** A data source, or null when it does not exist or is not shared. */
  async dataSource(dataSourceId: string, signal?: AbortSignal): Promise<NotionDataSource | null> {
    try {
      return await this.call(signal, () => this.client.dataSources.retrieve({ data_source_id: dataSourceId }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** A database with its data sources, or null when it does not exist (deleted) or is not shared. */
  async database(databaseId: string, signal?: AbortSignal): Promise<NotionDatabase | null> {
    try {
      return await this.call(signal, () => this.client.databases.retrieve({ database_id: databaseId }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async call<T>(signal: AbortSignal | undefined, request: () => Promise<unknown>): Promise<T> {
    await this.pacer.take();
    // The pacer may have waited: an abandoned poll sends nothing.
    signal?.throwIfAborted();
    try {
      return (await this.callSignal.run(signal, request)) as T;
    } catch (error) {
      const classified = classifyNotionError(this.connector, error);
      if ((error as { status?: number }).status === 429 || (error as { status?: number }).status === 529) this.counters.rate_limited++;
      throw classified;
    }
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
