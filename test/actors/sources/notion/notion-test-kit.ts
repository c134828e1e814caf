import { createActor, type SimulatedClock } from 'xstate';
import { type BreakerActor, callThroughBreaker } from '../../../../src/actors/breaker/call-through-breaker.ts';
import { MemoryDocumentStateStore } from '../../../../src/actors/cursor/memory-document-state-store.ts';
import { silentLogger } from '../../../../src/actors/log/logger.ts';
import type { PollResult } from '../../../../src/actors/sources/document-source.ts';
import type { PacerClock } from '../../../../src/actors/sources/http/pacer-clock.ts';
import { NotionSource } from '../../../../src/actors/sources/notion/notion-source.ts';
import { notionOptionsOf } from '../../../../src/actors/sources/notion/notion-options.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';
import { circuitBreakerMachine } from '../../../../src/machines/circuit-breaker.machine.ts';
import type { FakeNotion } from '../../../support/fake-notion.ts';

/** A Notion source on the fake; a high request rate unless the test is about pacing. */
export function notionSourceFor(fake: FakeNotion, metadata: Record<string, unknown> = {}, options: { token?: string; clock?: PacerClock } = {}) {
  const config = connectorSchema.parse({ token: options.token ?? 'secret-token', metadata: { api_url: fake.url, requests_per_second: 1000, ...metadata } });
  return new NotionSource('notion', notionOptionsOf('notion', config), silentLogger, { clock: options.clock });
}

/** Runs polls the way the connector does: each call through a real breaker, the cursor and the per-document state carried from poll to poll. */
export function notionPoller(source: NotionSource, threshold = 3, timeoutMs = 60_000, clock?: SimulatedClock) {
  // A simulated clock, when given, is the only thing that moves the breaker's open timeout on.
  const breaker = createActor(circuitBreakerMachine, { input: { enabled: true, failureThreshold: threshold, timeoutMs }, ...(clock && { clock }) }).start() as BreakerActor;
  const state = { cursor: null as unknown, documents: new MemoryDocumentStateStore() };
  return {
    breaker,
    state,
    async poll(webhooks: { deliveryId: string; event: string; payload: unknown }[] = []): Promise<PollResult> {
      const documents = await state.documents.load('notion');
      const result = await source.poll({ cursor: state.cursor, documents, webhooks, signal: new AbortController().signal, guard: (call) => callThroughBreaker(breaker, 'notion', call, (e) => source.isOutage(e)) });
      if (result.documents) await state.documents.apply('notion', result.documents);
      state.cursor = result.nextCursor;
      return result;
    },
  };
}

/** `upsert <title or docId>` / `delete <docId>`, sorted. */
export const summary = (result: PollResult) => result.events.map((e) => (e.kind === 'upsert' ? `upsert ${e.title ?? e.docId}` : `delete ${e.docId}`)).sort();

/** A webhook hint as the Notion webhook route delivers it. */
export const hint = (type: string, entityId: string) => ({ deliveryId: crypto.randomUUID(), event: type, payload: { type, entityId } });

/** Ids of the pages a poller's per-document state holds as ingested (entries `<parent> <hash>`). */
export const heldPages = async (p: ReturnType<typeof notionPoller>) => [...(await p.state.documents.load('notion'))].filter(([, v]) => v.includes(' ')).map(([id]) => id);
