import type { ChangeFeed } from '../changes/change-feed.ts';
import type { DocumentSubscriptions } from './document-subscriptions.ts';
import type { Logger } from '../log/logger.ts';
import type { SearchFn } from '../search/search-documents.ts';
import type { DocumentCatalog } from '../stores/document-catalog.ts';
import type { DocumentRef, StoredDocument } from '../stores/graph-store.ts';
import type { HealthReport } from '../system/health-report.ts';

/** What the MCP tools read: all read-only. */
export interface McpDeps {
  /** The search `GET /search` uses. */
  search: SearchFn;
  /** A document with its chunks and links, or null (`GraphStore.getDocument`). */
  getDocument(docId: string): Promise<StoredDocument | null>;
  /** Existing documents linked from and linking to `docId` (`GraphStore.neighbours`). */
  neighbours(docId: string): Promise<{ linksTo: DocumentRef[]; linkedFrom: DocumentRef[] }>;
  /** Children, look-up by address and per-source counts; absent, those answers are null. */
  catalog?: () => Promise<DocumentCatalog | undefined>;
  /** The change feed (`recent_changes`, `indexed_at`, resource updates); absent, there is none. */
  changes?: () => Promise<ChangeFeed | undefined>;
  /** Resource subscriptions of all the sessions of this process; absent, clients cannot subscribe. */
  subscriptions?: DocumentSubscriptions;
  /** The health report of `GET /webhooks/health`, scrubbed of secrets. */
  health(): Promise<HealthReport>;
  /** The configured connectors' names: a `source` argument must be one of them. */
  sourceNames(): string[];
  logger: Logger;
}
