import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { McpDeps } from './mcp-deps.ts';
import { runTool } from './tool-result.ts';

const sourceSchema = z.object({
  name: z.string().describe('The connector name: the `source` of search hits, and search_docs’s `source` filter.'),
  kind: z.string().describe('local, git, github, notion or confluence.'),
  status: z.string().describe('healthy, degraded, rate_limited, restarting, ... as in the health report.'),
  circuit_breaker: z.enum(['closed', 'open', 'half_open']).describe('open: inlet stopped calling the source after repeated failures; its documents may be stale.'),
  last_sync: z.string().nullable().describe('When the last poll of the source completed (ISO 8601), null before the first.'),
  seconds_since_sync: z.number().nullable().describe('Seconds since last_sync: how stale this source may be at most, for changes no webhook announced.'),
  last_error: z.string().nullable(),
  document_count: z.number().int().nullable().describe('Documents inlet holds from this source; null when the store cannot count per source.'),
});

const outputSchema = {
  status: z.enum(['healthy', 'degraded', 'unhealthy']).describe("The service's overall health."),
  sources: z.array(sourceSchema),
};

const DESCRIPTION = `List the sources inlet keeps in sync (local folders, git, GitHub, Notion, Confluence) with their health and freshness: status, circuit breaker, when each last synced, its last error, and how many documents it has.
Use it to name a source for search_docs, or to judge whether an answer may be stale (an open breaker or an old last_sync).`;

/** Registers `list_sources`: the connectors of the health report, with per-source document counts. */
export function registerListSourcesTool(server: McpServer, deps: McpDeps, now: () => number = Date.now): void {
  server.registerTool(
    'list_sources',
    { title: 'List sources', description: DESCRIPTION, inputSchema: {}, outputSchema, annotations: { readOnlyHint: true, openWorldHint: false } },
    () =>
      runTool('list_sources', deps.logger, async () => {
        const catalog = await deps.catalog?.();
        const [report, counts] = await Promise.all([deps.health(), catalog ? catalog.countsBySource() : null]);
        return {
          status: report.status,
          sources: report.connectors.map((connector) => {
            const lastSync = typeof connector.stats.last_sync === 'string' ? connector.stats.last_sync : null;
            const lastError = typeof connector.stats.last_error === 'string' ? connector.stats.last_error : null;
            return {
              name: connector.name,
              kind: connector.kind,
              status: connector.status,
              circuit_breaker: connector.circuit_breaker,
              last_sync: lastSync,
              seconds_since_sync: lastSync === null ? null : Math.max(0, Math.round((now() - Date.parse(lastSync)) / 1000)),
              last_error: lastError,
              document_count: counts ? (counts.get(connector.name) ?? 0) : null,
            };
          }),
        };
      }),
  );
}
