import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { InletConfig } from '../../config/schema.ts';
import { RedisChangeFeed } from '../changes/redis-change-feed.ts';
import { SqliteChangeFeed } from '../changes/sqlite-change-feed.ts';
import { RedisCursorStore } from '../cursor/redis-cursor-store.ts';
import { SqliteCursorStore } from '../cursor/sqlite-cursor-store.ts';
import { openDocumentStateStore } from '../cursor/open-document-state-store.ts';
import { createEmbedder } from '../embed/create-embedder.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { DocumentCatalog } from '../stores/document-catalog.ts';
import type { GraphStore } from '../stores/graph-store.ts';
import type { VectorStore } from '../stores/vector-store.ts';
import type { QueueOptions } from '../queue/ingestion-queue.ts';
import { migrateLegacyQueueLayout } from '../queue/redis-legacy-layout.ts';
import { RedisQueue } from '../queue/redis-queue.ts';
import { SqliteQueue } from '../queue/sqlite-queue.ts';
import { SqliteDocumentCatalog } from '../stores/sqlite-document-catalog.ts';
import { SqliteGraphStore } from '../stores/sqlite-graph-store.ts';
import { SqliteVectorStore } from '../stores/sqlite-vector-store.ts';
import { isStoreUnavailableError } from '../stores/store-errors.ts';
import { RedisDeliveryLog } from '../webhooks/redis-delivery-log.ts';
import { SqliteDeliveryLog } from '../webhooks/sqlite-delivery-log.ts';
import { RedisWebhookSecretStore } from '../webhooks/redis-webhook-secret-store.ts';
import { SqliteWebhookSecretStore } from '../webhooks/sqlite-webhook-secret-store.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import type { Backends } from './backends.ts';
import { duplicateForBlocking } from './redis-connection.ts';
import type { RedisClient } from '../queue/redis-script.ts';

/** Queue tunables from `queue.*` in inlet.yaml. */
export function queueOptionsOf(config: InletConfig): QueueOptions {
  const q = config.queue;
  return {
    name: q.name,
    maxSize: q.max_size,
    leaseMs: q.lease_seconds * 1000,
    maxAttempts: q.max_attempts,
    retryBaseMs: q.retry_base_seconds * 1000,
    dedupeWindowMs: q.dedupe_window_seconds * 1000,
  };
}

/** Opens the embedded SQLite file (WAL, so the worker's writes do not block the API's reads). */
export function openDatabase(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  sqliteVec.load(db);
  return db;
}

/**
 * Chooses the backends: the queue and cursors on Redis when a client is given, else in the SQLite file; the stores
 * are the embedded SQLite ones (Neo4j and Qdrant adapters plug in behind the same ports).
 */
export async function openBackends(redis: RedisClient | null, config: InletConfig, logger: Logger = silentLogger): Promise<Backends> {
  const db = openDatabase(config.storage.path);
  const options: QueueOptions = {
    ...queueOptionsOf(config),
    // Dead letters the queue decides itself; a worker's retry that ends in one is logged by the worker.
    onDeadLetter: ({ eventId, reason }) => logger.error('event dead-lettered', { event_id: eventId, reason }),
  };
  const blocking = redis ? duplicateForBlocking(redis, logger) : undefined;
  const queue = redis && blocking ? new RedisQueue(redis, blocking, options) : new SqliteQueue(db, options);
  if (redis) await adoptLegacyQueueLayout(redis, config.queue.name, logger);
  const cursors = redis ? new RedisCursorStore(redis, `${config.queue.name}:cursors`) : new SqliteCursorStore(db);
  const sourceStates = openDocumentStateStore(redis, config.queue.name, db);
  const windowMs = config.queue.dedupe_window_seconds * 1000;
  // The delivery ids of one burst are recorded by one script, so their keys share the queue's hash tag (one Cluster slot).
  const deliveries = redis ? new RedisDeliveryLog(redis, `{${config.queue.name}}:deliveries`, windowMs) : new SqliteDeliveryLog(db, windowMs);
  const webhookSecrets = redis ? new RedisWebhookSecretStore(redis, `${config.queue.name}:webhook-secrets`) : new SqliteWebhookSecretStore(db);
  // The feed's stream shares the queue's hash tag: one Cluster slot with the queue, beside it in the same Redis.
  const changes = redis ? new RedisChangeFeed(redis, `{${config.queue.name}}`, () => duplicateForBlocking(redis, logger)) : new SqliteChangeFeed(db);
  const closers: (() => Promise<void>)[] = [];
  const { graph, catalog } = await openGraphStore(config, db, closers);
  const vector = await openVectorStore(config, db);
  const embedder: Embedder = await createEmbedder(config.embedder);
  await initWithRetry(() => graph.init(), 'graph', logger);
  await initWithRetry(() => vector.init(embedder.dimension), 'vector', logger);
  return {
    queue,
    cursors,
    sourceStates,
    graph,
    catalog,
    vector,
    changes,
    embedder,
    deliveries,
    webhookSecrets,
    describe: `queue=${redis ? 'redis' : 'sqlite'}:${config.queue.name} graph=${config.stores.graph} vector=${config.stores.vector} embedder=${embedder.model}`,
    async close() {
      await queue.close();
      for (const close of closers) await close();
      db.close();
    },
  };
}

// The production clients load only when configured: the embedded default stays small (bench: idle RSS).
async function openGraphStore(
  config: InletConfig,
  db: Database.Database,
  closers: (() => Promise<void>)[],
): Promise<{ graph: GraphStore; catalog: DocumentCatalog }> {
  if (config.stores.graph !== 'neo4j') return { graph: new SqliteGraphStore(db), catalog: new SqliteDocumentCatalog(db) };
  const [{ default: neo4j }, { Neo4jGraphStore }, { Neo4jDocumentCatalog }] = await Promise.all([
    import('neo4j-driver'),
    import('../stores/neo4j-graph-store.ts'),
    import('../stores/neo4j-document-catalog.ts'),
  ]);
  const { uri, user, password, database } = config.stores.neo4j;
  const driver = neo4j.driver(uri, neo4j.auth.basic(user, password));
  closers.push(() => driver.close());
  const graph = new Neo4jGraphStore(driver, {
    database: database || undefined,
    sourceKind: (source) => config.connectors[source]?.kind ?? source,
  });
  return { graph, catalog: new Neo4jDocumentCatalog(driver, database || undefined) };
}

async function openVectorStore(config: InletConfig, db: Database.Database): Promise<VectorStore> {
  if (config.stores.vector !== 'qdrant') return new SqliteVectorStore(db);
  const { createQdrantClient, QdrantVectorStore } = await import('../stores/qdrant-vector-store.ts');
  const { url, api_key, collection } = config.stores.qdrant;
  return new QdrantVectorStore(createQdrantClient(url, api_key || undefined), collection);
}

/**
 * An upgrade from the layout before ids (issue 11) must lose no event: move what it left into the current keys. That
 * layout never ran on a Cluster (its keys were in many slots), so a Cluster has nothing to move. An unreachable Redis
 * leaves the old keys for the next start, said in the log.
 */
async function adoptLegacyQueueLayout(redis: RedisClient, name: string, logger: Logger): Promise<void> {
  if ((redis as { isCluster?: boolean }).isCluster) return;
  try {
    const moved = await migrateLegacyQueueLayout(redis, name);
    if (moved.inFlight + moved.delayed + moved.dead > 0) logger.info('queue: moved the events of the old key layout', { queue: name, in_flight: moved.inFlight, delayed: moved.delayed, dead_letters: moved.dead });
  } catch (error) {
    logger.warn('queue: could not check for the old key layout; it is moved at the next start', { queue: name, error });
  }
}

/**
 * Neo4j and Qdrant may still be starting when inlet starts (compose waits for their health checks, a plain host
 * may not): try for about a minute before giving up with the store's own error.
 */
async function initWithRetry(init: () => Promise<void>, store: string, logger: Logger, attempts = 12): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await init();
    } catch (error) {
      if (attempt >= attempts || !isStoreUnavailableError(error)) throw error;
      logger.warn(`${store} store not reachable yet`, { attempt, of: attempts, error });
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** attempt)));
    }
  }
}
