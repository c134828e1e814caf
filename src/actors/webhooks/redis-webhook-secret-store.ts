import { QueueUnavailableError } from '../queue/queue-errors.ts';
import type { WebhookSecretStore } from './webhook-secret-store.ts';
import type { RedisClient } from '../queue/redis-script.ts';

/** Signing keys in one Redis hash (`<key>`: connector name → key), beside the queue. */
export class RedisWebhookSecretStore implements WebhookSecretStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  async get(connector: string): Promise<string | null> {
    try {
      return await this.redis.hget(this.key, connector);
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }

  async set(connector: string, secret: string): Promise<void> {
    try {
      await this.redis.hset(this.key, connector, secret);
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }

  async delete(connector: string): Promise<boolean> {
    try {
      return (await this.redis.hdel(this.key, connector)) > 0;
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }
}
