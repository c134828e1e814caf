import type { Logger } from '../log/logger.ts';
import type { SecretScrubber } from '../log/secret-scrubber.ts';
import type { SearchFn } from '../search/search-documents.ts';
import type { ConnectorManager } from '../system/connector-manager.ts';
import { redactHealthReport } from '../system/health-report.ts';
import { DocumentSubscriptions } from './document-subscriptions.ts';
import type { McpDeps } from './mcp-deps.ts';

/**
 * The MCP tools' reads, from a running manager and the search `GET /search` is given; health leaves scrubbed, as over
 * HTTP. Make it once per process and share it between sessions: it holds their resource subscriptions.
 */
export function mcpDepsOf(manager: ConnectorManager, search: SearchFn, logger: Logger, scrub: SecretScrubber): McpDeps {
  const changes = async () => (await manager.documents()).changes;
  return {
    search,
    getDocument: async (docId) => (await manager.documents()).graph.getDocument(docId),
    neighbours: async (docId) => (await manager.documents()).graph.neighbours(docId),
    catalog: async () => (await manager.documents()).catalog,
    changes,
    subscriptions: new DocumentSubscriptions(changes, logger),
    health: async () => redactHealthReport(await manager.health(), scrub),
    sourceNames: () => manager.connectorNames(),
    logger,
  };
}
