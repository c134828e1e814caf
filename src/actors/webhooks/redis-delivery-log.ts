import { QueueUnavailableError } from '../queue/queue-errors.ts';
import { type RedisClient, RedisScript } from '../queue/redis-script.ts';
import type { DeliveryLog } from './delivery-log.ts';

/** SET NX PX for every key, in order: 1 where the key was new (a first delivery), 0 where it was already there. */
const recordDeliveries = new RedisScript(
  `local recorded = {}
for i, key in ipairs(KEYS) do
  recorded[i] = redis.call('SET', key, '1', 'PX', ARGV[1], 'NX') and 1 or 0
end
return recorded`,
  'any',
);

/** Keys per script call: bounds how long one call holds Redis (a SET is ~1 µs there). */
const MAX_BATCH = 500;

interface Waiting {
  key: string;
  resolve(first: boolean): void;
  reject(error: unknown): void;
}

/**
 * Delivery ids as `<prefix>:<source>:<id>` keys that expire after the window. The deliveries that arrive in one turn of
 * the event loop are recorded together by one script call: a burst of webhooks costs one round trip and one command
 * rather than one each, which is most of what a delivery costs the service. Within a batch, ids are recorded in
 * arrival order, so a delivery and its redelivery still get true and false.
 */
export class RedisDeliveryLog implements DeliveryLog {
  private waiting: Waiting[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly windowMs: number,
  ) {}

  firstDelivery(source: string, deliveryId: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      // setImmediate runs after the I/O callbacks of this turn: every request parsed in it joins the batch.
      if (this.waiting.length === 0) setImmediate(() => this.flush());
      this.waiting.push({ key: `${this.prefix}:${source}:${deliveryId}`, resolve, reject });
      if (this.waiting.length >= MAX_BATCH) this.flush();
    });
  }

  async forget(source: string, deliveryId: string): Promise<void> {
    try {
      await this.redis.del(`${this.prefix}:${source}:${deliveryId}`);
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }

  private flush(): void {
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    recordDeliveries.run(this.redis, batch.map((w) => w.key), [this.windowMs]).then(
      (recorded) => {
        for (const [i, w] of batch.entries()) w.resolve((recorded as number[])[i] === 1);
      },
      (error: unknown) => {
        const unavailable = new QueueUnavailableError(error);
        for (const w of batch) w.reject(unavailable);
      },
    );
  }
}
