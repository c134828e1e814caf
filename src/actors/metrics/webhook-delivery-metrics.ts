import { Counter, type Registry } from 'prom-client';

/**
 * How a webhook delivery ended. `ignored`: answered without handing anything over (a ping, an event inlet does not
 * follow, Notion's verification handshake); `refused`: 503, the sender should redeliver (queue or buffer full, queue
 * unreachable); `error`: an unexpected failure (500).
 */
export const WEBHOOK_OUTCOMES = ['accepted', 'ignored', 'duplicate', 'bad_signature', 'bad_request', 'refused', 'error'] as const;

/** One of `WEBHOOK_OUTCOMES`. */
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** The webhook senders inlet has routes for: the `source` label's only values, so a flood cannot add series. */
export const WEBHOOK_SOURCES = ['github', 'notion', 'confluence'] as const;

/** Counts webhook deliveries as the routes finish them. */
export interface WebhookDeliveryMetrics {
  count(source: string, outcome: WebhookOutcome): void;
}

/** Registers `inlet_webhook_deliveries_total{source,outcome}`, every series at 0 from the start so `rate()` sees the first. */
export function createWebhookDeliveryMetrics(registry: Registry): WebhookDeliveryMetrics {
  const deliveries = new Counter({
    name: 'inlet_webhook_deliveries_total',
    help: 'Webhook deliveries by sender and outcome: accepted, ignored, duplicate, bad_signature, bad_request, refused, error.',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  for (const source of WEBHOOK_SOURCES) for (const outcome of WEBHOOK_OUTCOMES) deliveries.inc({ source, outcome }, 0);
  const known = new Set<string>(WEBHOOK_SOURCES);
  return {
    count(source, outcome) {
      if (known.has(source)) deliveries.inc({ source, outcome });
    },
  };
}
