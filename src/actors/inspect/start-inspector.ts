import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { InspectionEvent, Observer } from 'xstate';

/** A running inspector: the observer to give the root actor, the address to open, and a stop function. */
export interface RunningInspector {
  inspect: Observer<InspectionEvent>;
  address: string;
  stop(): void;
}

/**
 * Starts @statelyai/inspect's relay server on `port` and a WebSocket inspector feeding it. Opening the printed
 * address in a browser on this machine shows the live statecharts in the Stately inspector (the page embeds
 * stately.ai/inspect, so that browser needs internet; this process only talks to localhost).
 */
export function startInspector(port: number): RunningInspector {
  const server = createInspectorServer({ port, autoOpen: false });
  const inspector = createWebSocketInspector({
    url: `ws://localhost:${port}`,
    // Timer ticks would drown the interesting events.
    filter: (event) => !(event.type === '@xstate.event' && String((event as { event?: { type?: string } }).event?.type).startsWith('xstate.after')),
  });
  return {
    inspect: inspector.inspect,
    address: `http://localhost:${port}`,
    stop() {
      inspector.stop();
      server.stop();
    },
  };
}
