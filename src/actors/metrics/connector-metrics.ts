import { connectorMachine } from '../../machines/connector.machine.ts';
import type { ConnectorHealth } from '../system/health-report.ts';
import type { ReadingMetric, Sample } from './reading-metric.ts';
import { stateSetSamples } from './reading-metric.ts';

/** A connector's statuses: its machine's states, and `restarting` (health's word for a child being restarted). */
export const CONNECTOR_STATUSES: readonly string[] = [...Object.keys(connectorMachine.states), 'restarting'];

const labelsOf = (c: ConnectorHealth) => ({ connector: c.name, kind: c.kind });

/** One series per connector, from a number in its health stats (absent numbers give no series). */
function perConnector(stat: string): ReadingMetric['samples'] {
  return ({ health }) =>
    health.connectors.flatMap((c): Sample[] => {
      const value = c.stats[stat];
      return typeof value === 'number' ? [{ labels: labelsOf(c), value }] : [];
    });
}

/** An ISO 8601 time in the connector's stats as Unix seconds; no series while it is null. */
function perConnectorTimestamp(stat: string): ReadingMetric['samples'] {
  return ({ health }) =>
    health.connectors.flatMap((c): Sample[] => {
      const value = c.stats[stat];
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms) ? [] : [{ labels: labelsOf(c), value: ms / 1000 }];
    });
}

const labelNames = ['connector', 'kind'];

/** The connectors' metrics, read from the health report (the connector machine's stats and state). */
export const connectorMetrics: ReadingMetric[] = [
  {
    type: 'gauge',
    name: 'inlet_connector_status',
    help: 'Connector status as a state set: 1 for the current status, 0 for the others.',
    labelNames: [...labelNames, 'status'],
    samples: ({ health }) => health.connectors.flatMap((c) => stateSetSamples(labelsOf(c), 'status', CONNECTOR_STATUSES, c.status)),
  },
  {
    type: 'counter',
    name: 'inlet_connector_events_received_total',
    help: 'Changes the connector found at its source (polls, watches), since it started.',
    labelNames,
    samples: perConnector('events_received'),
  },
  {
    type: 'counter',
    name: 'inlet_connector_events_queued_total',
    help: 'Events the connector put on the ingestion queue (duplicates inside the dedupe window excluded).',
    labelNames,
    samples: perConnector('events_queued'),
  },
  {
    type: 'counter',
    name: 'inlet_connector_errors_total',
    help: 'Errors the connector recorded (failed polls and its other actors), all error classes together.',
    labelNames,
    samples: perConnector('errors'),
  },
  {
    type: 'counter',
    name: 'inlet_connector_polls_total',
    help:
      'Finished polls by outcome: done, or the error class (outage, rate_limited, auth, bad_response, queue). Not counted: polls an open breaker refused, and the poll whose failure opened it (stopped as the connector leaves polling; inlet_breaker_failures_total has it).',
    labelNames: [...labelNames, 'outcome'],
    samples: ({ health, polls }) =>
      health.connectors.flatMap((c) => Object.entries(polls.get(c.name) ?? {}).map(([outcome, value]): Sample => ({ labels: { ...labelsOf(c), outcome }, value }))),
  },
  {
    type: 'counter',
    name: 'inlet_connector_restarts_total',
    help: 'Times the supervisor restarted the connector after a crash.',
    labelNames,
    samples: perConnector('restarts'),
  },
  {
    type: 'gauge',
    name: 'inlet_connector_last_sync_timestamp_seconds',
    help: 'When the connector last completed a sync (Unix time); absent before the first.',
    labelNames,
    samples: perConnectorTimestamp('last_sync'),
  },
  {
    type: 'gauge',
    name: 'inlet_connector_rate_limited_until_timestamp_seconds',
    help: "When the connector's rate-limit pause ends (Unix time); present only while it is rate limited.",
    labelNames,
    samples: perConnectorTimestamp('rate_limited_until'),
  },
  {
    type: 'counter',
    name: 'inlet_connector_webhooks_received_total',
    help: 'Verified webhook deliveries handed to the connector.',
    labelNames,
    samples: perConnector('webhooks_received'),
  },
  {
    type: 'counter',
    name: 'inlet_connector_webhooks_coalesced_total',
    help: 'Of the webhook deliveries handed over, those that replaced a buffered one with the same news.',
    labelNames,
    samples: perConnector('webhooks_coalesced'),
  },
  {
    type: 'gauge',
    name: 'inlet_connector_webhooks_buffered',
    help: 'Webhook deliveries waiting in the connector for its next poll.',
    labelNames,
    samples: perConnector('webhooks_buffered'),
  },
  {
    type: 'counter',
    name: 'inlet_webhook_secret_matched_total',
    help: 'Verified webhook deliveries by the secret that matched: current (the first configured) or previous (a later one, during a rotation).',
    labelNames: [...labelNames, 'secret'],
    samples: ({ health }) =>
      health.connectors.flatMap((c): Sample[] => {
        const matched = c.stats.webhook_secret_matched as { current?: unknown; previous?: unknown } | undefined;
        if (!matched) return [];
        return (['current', 'previous'] as const).flatMap((secret) => {
          const value = matched[secret];
          return typeof value === 'number' ? [{ labels: { ...labelsOf(c), secret }, value }] : [];
        });
      }),
  },
];
