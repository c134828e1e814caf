import type { Database } from 'better-sqlite3';
import type { RedisClient } from '../queue/redis-script.ts';
import { CachedDocumentStateStore } from './cached-document-state-store.ts';
import type { DocumentStateStore } from './document-state-store.ts';
import { RedisDocumentStateStore } from './redis-document-state-store.ts';
import { SqliteDocumentStateStore } from './sqlite-document-state-store.ts';

/** The per-document source state beside the queue: on Redis when the queue is, else in the SQLite file; held in memory once read. */
export function openDocumentStateStore(redis: RedisClient | null, queueName: string, db: Database): DocumentStateStore {
  return new CachedDocumentStateStore(redis ? new RedisDocumentStateStore(redis, queueName) : new SqliteDocumentStateStore(db));
}
