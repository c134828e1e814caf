import type { ListPage } from '../paginate.ts';
import type { GuardedCall } from '../document-source.ts';
import type { NotionClient } from './notion-client.ts';
import type { NotionBlock, NotionDatabase, NotionDataSource, NotionList, NotionPage } from './notion-types.ts';

/** The Notion calls one poll makes, each already routed through the connector's circuit breaker. */
export interface NotionApi {
  search(startCursor?: string): Promise<ListPage<NotionPage>>;
  page(pageId: string): Promise<NotionPage | null>;
  block(blockId: string): Promise<NotionBlock | null>;
  children(blockId: string, startCursor?: string): Promise<ListPage<NotionBlock>>;
  queryDataSource(dataSourceId: string, since: string | null, startCursor?: string): Promise<ListPage<NotionPage>>;
  dataSource(dataSourceId: string): Promise<NotionDataSource | null>;
  database(databaseId: string): Promise<NotionDatabase | null>;
}

/** Wraps every client call in `guard`, so a poll cannot reach Notion around the breaker. */
export function guardedApi(client: NotionClient, guard: GuardedCall): NotionApi {
  return {
    search: async (c) => listPage(await guard((signal) => client.search(c, signal))),
    page: (id) => guard((signal) => client.page(id, signal)),
    block: (id) => guard((signal) => client.block(id, signal)),
    children: async (id, c) => listPage(await guard((signal) => client.children(id, c, signal))),
    queryDataSource: async (id, since, c) => listPage(await guard((signal) => client.queryDataSource(id, since, c, signal))),
    dataSource: (id) => guard((signal) => client.dataSource(id, signal)),
    database: (id) => guard((signal) => client.database(id, signal)),
  };
}

/** A Notion listing page in the framework's shape (paginate.ts). */
export function listPage<T>(answer: NotionList<T>): ListPage<T> {
  return { items: answer.results, next: answer.has_more && answer.next_cursor ? answer.next_cursor : undefined };
}
