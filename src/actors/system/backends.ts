import type { ChangeFeed } from '../changes/change-feed.ts';
import type { CursorStore } from '../cursor/cursor-store.ts';
import type { DocumentStateStore } from '../cursor/document-state-store.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { IngestionQueue } from '../queue/ingestion-queue.ts';
import type { DocumentCatalog } from '../stores/document-catalog.ts';
import type { GraphStore } from '../stores/graph-store.ts';
import type { VectorStore } from '../stores/vector-store.ts';
import type { DeliveryLog } from '../webhooks/delivery-log.ts';
import type { WebhookSecretStore } from '../webhooks/webhook-secret-store.ts';

/** Everything the actors do I/O through, chosen once from the configuration. */
export interface Backends {
  queue: IngestionQueue;
  cursors: CursorStore;
  /** What sources remember per document (hash, version, parent), beside the cursors. */
  sourceStates: DocumentStateStore;
  graph: GraphStore;
  /** Reads of the graph beyond `GraphStore` (children, look-up by url, counts per source), for the MCP tools; absent, those answers are null. */
  catalog?: DocumentCatalog;
  vector: VectorStore;
  /** Every upsert and delete both stores committed, in commit order (issue 15); absent, workers record none. */
  changes?: ChangeFeed;
  embedder: Embedder;
  /** Webhook delivery ids already handled. */
  deliveries: DeliveryLog;
  /** Signing keys handed over at run time (Notion's verification token). */
  webhookSecrets: WebhookSecretStore;
  /** Human-readable description for the start-up log line (no secrets). */
  describe: string;
  /** Closes what `openBackends` opened (never the Redis client the caller passed in). */
  close(): Promise<void>;
}
