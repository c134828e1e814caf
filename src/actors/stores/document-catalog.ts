import type { DocumentRef } from './graph-store.ts';

/**
 * Reads of the graph store beyond `GraphStore`'s, for the MCP tools (issue 15): a separate port, so the write path's
 * interface stays as it is. One implementation per graph store, over the same tables or nodes.
 */
export interface DocumentCatalog {
  /** Documents whose parent is `docId` (Notion and Confluence page trees), by title. */
  childrenOf(docId: string): Promise<DocumentRef[]>;
  /** The id of the document whose source address is `url`, or null. */
  idOfUrl(url: string): Promise<string | null>;
  /** Up to `limit` documents in id order, those after the id `after` (keyset paging, for MCP's `resources/list`). */
  listDocuments(after: string | undefined, limit: number): Promise<DocumentRef[]>;
  /** Documents stored per source (connector name); sources with none are absent. */
  countsBySource(): Promise<Map<string, number>>;
}
