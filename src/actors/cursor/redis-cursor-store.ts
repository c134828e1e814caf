import { QueueUnavailableError } from '../queue/queue-errors.ts';
import type { CursorStore } from './cursor-store.ts';
import type { RedisClient } from '../queue/redis-script.ts';

/** Cursors in one Redis hash (`<key>`: connector name → JSON), beside the queue they feed. */
export class RedisCursorStore implements CursorStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  async get(connector: string): Promise<unknown> {
    const value = await this.guard(() => this.redis.hget(this.key, connector));
    return value === null ? null : JSON.parse(value);
  }

  async set(connector: string, cursor: unknown): Promise<void> {
    await this.guard(() => this.redis.hset(this.key, connector, JSON.stringify(cursor)));
  }

  async delete(connector: string): Promise<void> {
    await this.guard(() => this.redis.hdel(this.key, connector));
  }

  // Cursors live on the queue's server, so an outage here is the queue's outage.
  private async guard<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }
}
