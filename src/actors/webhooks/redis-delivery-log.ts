import type { Redis } from 'ioredis';
import { QueueUnavailableError } from '../queue/queue-errors.ts';
import type { DeliveryLog } from './delivery-log.ts';

/** Delivery ids as `<prefix>:<source>:<id>` keys that expire after the window (SET NX PX: one round trip, atomic). */
export class RedisDeliveryLog implements DeliveryLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs: number,
  ) {}

  async firstDelivery(source: string, deliveryId: string): Promise<boolean> {
    try {
      return (await this.redis.set(`${this.prefix}:${source}:${deliveryId}`, '1', 'PX', this.windowMs, 'NX')) === 'OK';
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }

  async forget(source: string, deliveryId: string): Promise<void> {
    try {
      await this.redis.del(`${this.prefix}:${source}:${deliveryId}`);
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }
}
