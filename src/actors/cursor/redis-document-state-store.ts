import { QueueUnavailableError } from '../queue/queue-errors.ts';
import type { RedisClient } from '../queue/redis-script.ts';
import type { DocumentStateChanges, DocumentStateStore } from './document-state-store.ts';

/** How many fields one HSET or HDEL carries, so a 100,000-page backfill is not one huge command. */
const CHUNK = 1000;

/**
 * Per-document state in one Redis hash per connector, `{<queue>}:source-state:<connector>`: the queue's name as hash
 * tag puts it in the queue's slot on a Redis Cluster, like every other key of the queue (redis-queue.ts).
 */
export class RedisDocumentStateStore implements DocumentStateStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly queueName: string,
  ) {}

  /** The hash holding `connector`'s entries. */
  keyOf(connector: string): string {
    return `{${this.queueName}}:source-state:${connector}`;
  }

  async load(connector: string): Promise<ReadonlyMap<string, string>> {
    const entries = new Map<string, string>();
    // HSCAN rather than HGETALL: a 100,000-entry hash in one reply would block the server and buffer it all at once.
    let cursor = '0';
    do {
      const [next, flat] = await this.guard(() => this.redis.hscan(this.keyOf(connector), cursor, 'COUNT', 5000));
      for (let i = 0; i < flat.length; i += 2) entries.set(flat[i]!, flat[i + 1]!);
      cursor = next;
    } while (cursor !== '0');
    return entries;
  }

  async apply(connector: string, changes: DocumentStateChanges): Promise<void> {
    const key = this.keyOf(connector);
    const set = Object.entries(changes.set);
    for (let i = 0; i < set.length; i += CHUNK) await this.guard(() => this.redis.hset(key, Object.fromEntries(set.slice(i, i + CHUNK))));
    for (let i = 0; i < changes.delete.length; i += CHUNK) await this.guard(() => this.redis.hdel(key, ...changes.delete.slice(i, i + CHUNK)));
  }

  async clear(connector: string): Promise<void> {
    await this.guard(() => this.redis.del(this.keyOf(connector)));
  }

  // The state lives on the queue's server, so an outage here is the queue's outage (as for cursors).
  private async guard<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }
}
