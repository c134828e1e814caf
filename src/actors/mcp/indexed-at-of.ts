import type { McpDeps } from './mcp-deps.ts';

/**
 * When inlet last committed each document to both stores, from the change feed: the tools' `indexed_at`. Documents the
 * feed does not know (written before it existed, or no feed) are absent, and read as null.
 */
export async function indexedAtOf(deps: McpDeps, docIds: readonly string[]): Promise<Map<string, string>> {
  const feed = await deps.changes?.();
  return feed && docIds.length > 0 ? feed.lastCommitted([...new Set(docIds)]) : new Map();
}
