import type { GuardedCall } from '../document-source.ts';
import { type Guarded, guarded } from '../guarded.ts';
import type { NotionClient } from './notion-client.ts';

/** The Notion calls one poll makes, each already routed through the connector's circuit breaker. */
export type NotionApi = Guarded<NotionClient>;

/** The client's calls through `guard`, so a poll cannot reach Notion around the breaker. */
export function createNotionApi(client: NotionClient, guard: GuardedCall): NotionApi {
  return guarded(client, ['search', 'page', 'block', 'children', 'queryDataSource', 'dataSource', 'database'], guard);
}
