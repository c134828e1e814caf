import { createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningInspector, startInspector } from '../../../src/actors/inspect/start-inspector.ts';
import { freePort } from '../../support/free-port.ts';
import { eventually, startTempService, type TempService } from '../../support/temp-service.ts';

let service: TempService | undefined;
let inspector: RunningInspector | undefined;
afterEach(async () => {
  await service?.stop();
  inspector?.stop();
});

describe('Stately inspector', () => {
  it('streams the running system’s actors and snapshots to a WebSocket receiver', async () => {
    const port = await freePort();
    inspector = startInspector(port);
    service = await startTempService({ inspect: inspector.inspect });
    const received: StatelyInspectionEvent[] = [];
    const receiver = createWebSocketReceiver({ server: `ws://localhost:${port}` });
    const subscription = receiver.subscribe((event) => received.push(event));
    try {
      // The connector's statechart is registered with its definition, then its snapshots (context included) follow.
      const isConnector = (e: StatelyInspectionEvent) => e.type === '@xstate.actor' && String(e.definition).includes('"id":"connector"');
      await eventually('the connector actor registered', () => received.some(isConnector));
      await eventually('a connector snapshot', () => received.some((e) => e.type === '@xstate.snapshot' && JSON.stringify(e.snapshot).includes('pendingWebhooks')));
      expect(inspector.address).toBe(`http://localhost:${port}`);
    } finally {
      subscription.unsubscribe();
    }
  });
});
