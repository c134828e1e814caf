import type { Logger } from '../log/logger.ts';
import type { SecretScrubber } from '../log/secret-scrubber.ts';
import type { SearchFn } from '../search/search-documents.ts';
import type { ConnectorManager } from '../system/connector-manager.ts';
import { redactHealthReport } from '../system/health-report.ts';
import type { McpDeps } from './mcp-deps.ts';

/** The MCP tools' reads, from a running manager and the search `GET /search` is given; health leaves scrubbed, as over HTTP. */
export function mcpDepsOf(manager: ConnectorManager, search: SearchFn, logger: Logger, scrub: SecretScrubber): McpDeps {
  return {
    search,
    getDocument: async (docId) => (await manager.documents()).graph.getDocument(docId),
    neighbours: async (docId) => (await manager.documents()).graph.neighbours(docId),
    catalog: async () => (await manager.documents()).catalog,
    changes: async () => (await manager.documents()).changes,
    health: async () => redactHealthReport(await manager.health(), scrub),
    sourceNames: () => manager.connectorNames(),
    logger,
  };
}
