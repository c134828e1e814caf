import type { GuardedCall } from '../document-source.ts';
import type { NotionClient } from './notion-client.ts';
import type { NotionBlock, NotionDatabase, NotionDataSource, NotionList, NotionPage } from './notion-types.ts';

/** The Notion calls one poll makes, each already routed through the connector's circuit breaker. */
export interface NotionApi {
  search(startCursor?: string): Promise<NotionList<NotionPage>>;
  page(pageId: string): Promise<NotionPage | null>;
  block(blockId: string): Promise<NotionBlock | null>;
  children(blockId: string, startCursor?: string): Promise<NotionList<NotionBlock>>;
  queryDataSource(dataSourceId: string, since: string | null, startCursor?: string): Promise<NotionList<NotionPage>>;
  dataSource(dataSourceId: string): Promise<NotionDataSource | null>;
  database(databaseId: string): Promise<NotionDatabase | null>;
}

/** Wraps every client call in `guard`, so a poll cannot reach Notion around the breaker. */
export function guardedApi(client: NotionClient, guard: GuardedCall): NotionApi {
  return {
    search: (c) => guard((signal) => client.search(c, signal)),
    page: (id) => guard((signal) => client.page(id, signal)),
    block: (id) => guard((signal) => client.block(id, signal)),
    children: (id, c) => guard((signal) => client.children(id, c, signal)),
    queryDataSource: (id, since, c) => guard((signal) => client.queryDataSource(id, since, c, signal)),
    dataSource: (id) => guard((signal) => client.dataSource(id, signal)),
    database: (id) => guard((signal) => client.database(id, signal)),
  };
}

/** Every item of a paginated listing, following `next_cursor` until `has_more` is false or `stop` says so. */
export async function collectAll<T>(list: (cursor?: string) => Promise<NotionList<T>>, stop?: (item: T) => boolean): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const answer = await list(cursor);
    for (const item of answer.results) {
      if (stop?.(item)) return items;
      items.push(item);
    }
    cursor = answer.has_more && answer.next_cursor ? answer.next_cursor : undefined;
  } while (cursor);
  return items;
}
