export { createMcpServer } from './create-mcp-server.ts';
export type { McpDeps } from './mcp-deps.ts';
export { mcpDepsOf } from './mcp-deps-of.ts';
export { MAX_SEARCH_K } from './search-docs-tool.ts';
export { MAX_RELATED_DEPTH } from './related-documents-tool.ts';
export { inletVersion } from './inlet-version.ts';
export { MAX_RECENT_CHANGES } from './recent-changes-tool.ts';
export { DocumentSubscriptions } from './document-subscriptions.ts';
export { documentUri } from './document-uri.ts';
