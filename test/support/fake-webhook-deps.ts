import Database from 'better-sqlite3';
import { QueueUnavailableError } from '../../src/actors/queue/queue-errors.ts';
import { SqliteDeliveryLog } from '../../src/actors/webhooks/sqlite-delivery-log.ts';
import { SqliteWebhookSecretStore } from '../../src/actors/webhooks/sqlite-webhook-secret-store.ts';

/** What a webhook route hands a connector. */
export type Delivery = { deliveryId: string; event: string; payload: unknown; coalesceKey?: string };

/** A connector handle that records what a webhook route hands it (the subset of ConnectorHandle the routes use). */
export interface RecordingConnector<C> {
  name: string;
  config: C;
  delivered: Delivery[];
  rejections: number;
  /** Tokens shown in health through `recordWebhookVerification`. */
  shown: string[];
  /** When true, `deliverWebhook` refuses as a full buffer does. */
  bufferFull: boolean;
  deliverWebhook(delivery: Delivery): boolean;
  recordWebhookRejection(): void;
  recordWebhookVerification(token: string): void;
}

/** A recording connector with the given slice of its inlet.yaml section. */
export function recordingConnector<C>(name: string, config: C): RecordingConnector<C> {
  const connector: RecordingConnector<C> = {
    name,
    config,
    delivered: [],
    rejections: 0,
    shown: [],
    bufferFull: false,
    deliverWebhook: (delivery) => {
      if (connector.bufferFull) return false;
      connector.delivered.push(delivery);
      return true;
    },
    recordWebhookRejection: () => {
      connector.rejections++;
    },
    recordWebhookVerification: (token) => {
      connector.shown.push(token);
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
    };
  }

  queueState() {
    return { ...this.queue };
  }

  private failIfDown() {
    if (this.storeDown) throw new QueueUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }
}
