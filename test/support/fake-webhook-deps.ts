import Database from 'better-sqlite3';
import { QueueUnavailableError } from '../../src/actors/queue/queue-errors.ts';
import { SqliteDeliveryLog } from '../../src/actors/webhooks/sqlite-delivery-log.ts';
import { SqliteWebhookSecretStore } from '../../src/actors/webhooks/sqlite-webhook-secret-store.ts';

/** What a webhook route hands a connector, but for its arrival time (kept apart in `RecordingConnector.receivedAt`). */
export type Delivery = { deliveryId: string; event: string; payload: unknown; coalesceKey?: string };

/** A connector handle that records what a webhook route hands it (the subset of ConnectorHandle the routes use). */
export interface RecordingConnector<C> {
  name: string;
  config: C;
  delivered: Delivery[];
  /** `receivedAt` of each delivered message, in order: kept apart so the tests of what was delivered need no clock. */
  receivedAt: (string | undefined)[];
  rejections: number;
  /** Verified deliveries by the secret that matched (`recordWebhookSecretMatch`). */
  matched: { current: number; previous: number };
  /** When true, `deliverWebhook` refuses as a full buffer does. */
  bufferFull: boolean;
  deliverWebhook(delivery: Delivery & { receivedAt?: string }): boolean;
  recordWebhookRejection(): void;
  recordWebhookSecretMatch(slot: 'current' | 'previous'): void;
}

/** A recording connector with the given slice of its inlet.yaml section. */
export function recordingConnector<C>(name: string, config: C): RecordingConnector<C> {
  const connector: RecordingConnector<C> = {
    name,
    config,
    delivered: [],
    receivedAt: [],
    rejections: 0,
    matched: { current: 0, previous: 0 },
    bufferFull: false,
    deliverWebhook: (delivery) => {
      if (connector.bufferFull) return false;
      const { receivedAt, ...message } = delivery;
      connector.delivered.push(message);
      connector.receivedAt.push(receivedAt);
      return true;
    },
    recordWebhookRejection: () => {
      connector.rejections++;
    },
    recordWebhookSecretMatch: (slot) => {
      connector.matched[slot]++;
    },
  };
  return connector;
}

/**
 * The subset of ConnectorManager the webhook routes use, over a real in-memory SQLite delivery log and key store;
 * `storeDown` makes both answer as an unreachable Redis does, and `queue` is what `queueState()` reports.
 */
export class FakeWebhookManager<K extends RecordingConnector<unknown>> {
  queue = { state: 'flowing', full: false };
  storeDown = false;
  private readonly db = new Database(':memory:');
  private readonly log = new SqliteDeliveryLog(this.db, 60_000);
  private readonly secrets = new SqliteWebhookSecretStore(this.db);

  constructor(
    private readonly kind: string,
    readonly connectors: K[],
  ) {}

  connectorsOfKind(kind: string): K[] {
    return kind === this.kind ? this.connectors : [];
  }

  get deliveries() {
    return {
      firstDelivery: async (source: string, deliveryId: string) => {
        this.failIfDown();
        return this.log.firstDelivery(source, deliveryId);
      },
      forget: (source: string, deliveryId: string) => this.log.forget(source, deliveryId),
    };
  }

  get webhookSecrets() {
    return {
      get: async (connector: string) => {
        this.failIfDown();
        return this.secrets.get(connector);
      },
      set: async (connector: string, secret: string) => {
        this.failIfDown();
        return this.secrets.set(connector, secret);
      },
      delete: async (connector: string) => {
        this.failIfDown();
        return this.secrets.delete(connector);
      },
    };
  }

  queueState() {
    return { ...this.queue };
  }

  private failIfDown() {
    if (this.storeDown) throw new QueueUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }
}
