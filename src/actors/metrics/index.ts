export { BREAKER_STATES } from './breaker-metrics.ts';
export { CONNECTOR_STATUSES } from './connector-metrics.ts';
export { createInletMetrics, type InletMetrics } from './create-inlet-metrics.ts';
export { QUEUE_STATES } from './queue-metrics.ts';
export type { ScrapeSource } from './scrape-reading.ts';
export { WEBHOOK_OUTCOMES, WEBHOOK_SOURCES, type WebhookDeliveryMetrics, type WebhookOutcome } from './webhook-delivery-metrics.ts';
