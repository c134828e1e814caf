import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import * as sqliteVec from 'sqlite-vec';
import type { InletConfig } from '../../config/schema.ts';
import { RedisCursorStore } from '../cursor/redis-cursor-store.ts';
import { SqliteCursorStore } from '../cursor/sqlite-cursor-store.ts';
import { HashedEmbedder } from '../embed/hashed-embedder.ts';
import type { QueueOptions } from '../queue/ingestion-queue.ts';
import { RedisQueue } from '../queue/redis-queue.ts';
import { SqliteQueue } from '../queue/sqlite-queue.ts';
import { SqliteGraphStore } from '../stores/sqlite-graph-store.ts';
import { SqliteVectorStore } from '../stores/sqlite-vector-store.ts';
import { RedisDeliveryLog } from '../webhooks/redis-delivery-log.ts';
import { SqliteDeliveryLog } from '../webhooks/sqlite-delivery-log.ts';
import { RedisWebhookSecretStore } from '../webhooks/redis-webhook-secret-store.ts';
import { SqliteWebhookSecretStore } from '../webhooks/sqlite-webhook-secret-store.ts';
import type { Backends } from './backends.ts';

/** Queue tunables from `queue.*` in inlet.yaml. */
export function queueOptionsOf(config: InletConfig): QueueOptions {
  const q = config.queue;
  return {
    name: q.name,
    maxSize: q.max_size,
    backpressureOnPct: q.backpressure_on_pct,
    backpressureOffPct: q.backpressure_off_pct,
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
export async function openBackends(redis: Redis | null, config: InletConfig): Promise<Backends> {
  const db = openDatabase(config.storage.path);
  const options = queueOptionsOf(config);
  const blocking = redis?.duplicate();
  const queue = redis && blocking ? new RedisQueue(redis, blocking, options) : new SqliteQueue(db, options);
  const cursors = redis ? new RedisCursorStore(redis, `${config.queue.name}:cursors`) : new SqliteCursorStore(db);
  const windowMs = config.queue.dedupe_window_seconds * 1000;
  const deliveries = redis ? new RedisDeliveryLog(redis, `${config.queue.name}:deliveries`, windowMs) : new SqliteDeliveryLog(db, windowMs);
  const webhookSecrets = redis ? new RedisWebhookSecretStore(redis, `${config.queue.name}:webhook-secrets`) : new SqliteWebhookSecretStore(db);
  const graph = new SqliteGraphStore(db);
  const vector = new SqliteVectorStore(db);
  const embedder = new HashedEmbedder();
  await graph.init();
  await vector.init(embedder.dimension);
  return {
    queue,
    cursors,
    graph,
    vector,
    embedder,
    deliveries,
    webhookSecrets,
    describe: `queue=${redis ? 'redis' : 'sqlite'}:${config.queue.name} stores=sqlite:${config.storage.path} embedder=${embedder.model}`,
    async close() {
      await queue.close();
      db.close();
    },
  };
}
