import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerDocumentResources } from './document-resources.ts';
import { registerGetDocumentTool } from './get-document-tool.ts';
import { registerListSourcesTool } from './list-sources-tool.ts';
import type { McpDeps } from './mcp-deps.ts';
import { registerRecentChangesTool } from './recent-changes-tool.ts';
import { registerRelatedDocumentsTool } from './related-documents-tool.ts';
import { registerSearchDocsTool } from './search-docs-tool.ts';

/** What the server tells a client about itself at initialisation. */
const INSTRUCTIONS = `inlet keeps documentation from local folders, git, GitHub, Notion and Confluence ingested within seconds of a change.
Search it with search_docs, read a document with get_document, follow its links with related_documents, check each source's freshness with list_sources, and catch up on what changed with recent_changes.
Each document is also a resource, inlet://documents/{id}: subscribe to one to be told when it changes or is deleted.`;

/**
 * One MCP server over inlet's stores: read-only tools, and each document as a resource one can subscribe to. A server serves one client connection, so stdio makes one and
 * the Streamable HTTP route one per session; all of them share `deps`.
 */
export function createMcpServer(deps: McpDeps, version: string): McpServer {
  const server = new McpServer({ name: 'inlet', title: 'inlet documentation', version }, { instructions: INSTRUCTIONS, capabilities: { tools: {}, resources: { subscribe: true, listChanged: true } } });
  registerSearchDocsTool(server, deps);
  registerGetDocumentTool(server, deps);
  registerRelatedDocumentsTool(server, deps);
  registerListSourcesTool(server, deps);
  registerRecentChangesTool(server, deps);
  registerDocumentResources(server, deps);
  return server;
}
