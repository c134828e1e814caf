import { z } from 'zod';
import { count, flag, seconds } from './config-fields.ts';

/** Kinds of source a connector can read. */
export const CONNECTOR_KINDS = ['local', 'github', 'notion', 'confluence', 'git'] as const;

/** One of `CONNECTOR_KINDS`. */
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

/** True when `value` names a connector kind. */
export function isConnectorKind(value: unknown): value is ConnectorKind {
  return (CONNECTOR_KINDS as readonly unknown[]).includes(value);
}

/**
 * One connector, in the runbook's shape (`connectors.<name>`), with `metadata` left open: inlet.yaml's sections are
 * checked by `connectorsSchema`, which puts each kind's metadata schema in its place.
 */
export const connectorSchema = z.strictObject({
  /** Source kind; defaults to the connector's name when that is a kind (`github:` is a GitHub connector). */
  kind: z.enum(CONNECTOR_KINDS).optional(),
  /** Run this connector. Default true. */
  enabled: flag(true),
  /** Seconds between polls. Default 300 (the runbook's recommendation for GitHub). */
  poll_interval_seconds: seconds(300),
  /** Events per enqueue batch. Default 50. */
  batch_size: count(50),
  /** Retries of a failed poll before waiting for the next interval. Default 3. */
  max_retries: count(3, 0),
  /** First retry delay in seconds; each retry waits a random time up to twice the previous ceiling. Default 2.0. */
  backoff_base_seconds: seconds(2),
  /** Guard the source's API with a circuit breaker. Default true. */
  circuit_breaker_enabled: flag(true),
  /** Consecutive failures that open the breaker. Default 5. */
  circuit_breaker_failure_threshold: count(5),
  /** Seconds the breaker stays open before one probe call. Default 60. */
  circuit_breaker_timeout_seconds: seconds(60),
  /**
   * Shared secret that signs this source's webhooks, or a list `[current, previous]` while rotating it at the source
   * (both verify; health counts which matched, `stats.webhook_secret_matched`). Never logged or returned. Default ''.
   */
  webhook_secret: z
    .union([z.string(), z.array(z.string().min(1, 'an entry of the webhook_secret list is empty')).min(1).max(2, 'list at most two secrets: the current and the previous')])
    .default(''),
  /** API token; GitHub and Notion fill it from GITHUB_TOKEN / NOTION_TOKEN when left out. Never logged or returned. Default ''. */
  token: z.string().default(''),
  /** Source-specific settings; each kind's keys are in its metadata schema (`src/actors/sources/<kind>/<kind>-metadata.ts`). Default {}. */
  metadata: z.record(z.string(), z.unknown()).default({}),
});

/** One validated connector section. */
export type ConnectorConfig = z.infer<typeof connectorSchema>;
