import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type ConnectorInput, connectorMachine } from '../../src/machines/connector.machine.ts';

const input: ConnectorInput = {
  name: 'notion',
  kind: 'notion',
  pollIntervalMs: 60_000,
  maxRetries: 3,
  backoffBaseMs: 1_000,
  maxBufferedWebhooks: 3,
  webhookDebounceMs: 250,
  breaker: { enabled: true, failureThreshold: 3, timeoutMs: 30_000 },
  restarts: 0,
};

describe('connector webhook stats (issue 13)', () => {
  it('holds no verification token: the Notion signing key never reaches health', () => {
    const actor = createActor(connectorMachine, { input }).start();
    expect(Object.keys(actor.getSnapshot().context.stats)).not.toContain('webhook_verification_token');
    expect(JSON.stringify(actor.getSnapshot().context.stats)).not.toMatch(/token/);
    actor.stop();
  });

  it('counts verified deliveries by the secret that matched, current or previous', () => {
    const actor = createActor(connectorMachine, { input }).start();
    expect(actor.getSnapshot().context.stats.webhook_secret_matched).toEqual({ current: 0, previous: 0 });
    for (const slot of ['current', 'previous', 'previous'] as const) actor.send({ type: 'WEBHOOK_SECRET_MATCHED', slot });
    actor.send({ type: 'WEBHOOK_REJECTED' });
    expect(actor.getSnapshot().context.stats).toMatchObject({ webhook_secret_matched: { current: 1, previous: 2 }, webhook_signature_failures: 1 });
    actor.stop();
  });
});
