import { createWebSocketInspector } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import { type InspectorRelayOptions, startInspectorRelay } from './inspector-relay.ts';

/** A running inspector: the observer to give the root actor, the address to open, and a stop function. */
export interface RunningInspector {
  inspect: Observer<InspectionEvent>;
  address: string;
  stop(): Promise<void>;
}

/**
 * Starts the inspector relay and a WebSocket inspector feeding it. Opening the relay's address in a browser shows the
 * live statecharts in the Stately inspector (the page embeds stately.ai/inspect, so that browser needs internet;
 * this process only talks to its own relay).
 */
export async function startInspector(options: InspectorRelayOptions): Promise<RunningInspector> {
  const relay = await startInspectorRelay(options);
  const inspector = createWebSocketInspector({
    url: relay.feedUrl,
    // Timer ticks would drown the interesting events.
    filter: (event) => !(event.type === '@xstate.event' && String((event as { event?: { type?: string } }).event?.type).startsWith('xstate.after')),
  });
  return {
    inspect: inspector.inspect,
    address: relay.address,
    async stop() {
      inspector.stop();
      await relay.stop();
    },
  };
}
