import { createActor, type SimulatedClock } from 'xstate';
import { type BreakerActor, callThroughBreaker } from '../../../../src/actors/breaker/call-through-breaker.ts';
import { MemoryDocumentStateStore } from '../../../../src/actors/cursor/memory-document-state-store.ts';
import { silentLogger } from '../../../../src/actors/log/logger.ts';
import { confluenceOptionsOf } from '../../../../src/actors/sources/confluence/confluence-options.ts';
import type { PacerClock } from '../../../../src/actors/sources/http/pacer-clock.ts';
import { ConfluenceSource } from '../../../../src/actors/sources/confluence/confluence-source.ts';
import type { PollResult } from '../../../../src/actors/sources/document-source.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';
import { circuitBreakerMachine } from '../../../../src/machines/circuit-breaker.machine.ts';
import type { FakeConfluence } from '../../../support/fake-confluence.ts';

/** A Confluence source on the fake, for space ENG unless `metadata` says otherwise. */
export function confluenceSourceFor(
  fake: FakeConfluence,
  metadata: Record<string, unknown> = {},
  options: { token?: string; clock?: PacerClock; flavor?: 'cloud' | 'datacenter' } = {},
) {
  const config = connectorSchema.parse({
    token: options.token ?? 'api-token',
    metadata: { base_url: fake.baseUrl, flavor: options.flavor ?? 'cloud', spaces: ['ENG'], ...metadata },
  });
  return new ConfluenceSource('wiki', confluenceOptionsOf('wiki', config), silentLogger, { clock: options.clock });
}

/** Runs polls the way the connector does: each call through a real breaker, the cursor and the per-document state carried from poll to poll. */
export function confluencePoller(source: ConfluenceSource, threshold = 3, timeoutMs = 60_000, clock?: SimulatedClock) {
  // A simulated clock, when given, is the only thing that moves the breaker's open timeout on.
  const breaker = createActor(circuitBreakerMachine, { input: { enabled: true, failureThreshold: threshold, timeoutMs }, ...(clock && { clock }) }).start() as BreakerActor;
  const state = { cursor: null as unknown, documents: new MemoryDocumentStateStore() };
  return {
    breaker,
    state,
    async poll(webhooks: { deliveryId: string; event: string; payload: unknown }[] = []): Promise<PollResult> {
      const documents = await state.documents.load('confluence');
      const result = await source.poll({ cursor: state.cursor, documents, webhooks, signal: new AbortController().signal, guard: (call) => callThroughBreaker(breaker, 'confluence', call, (e) => source.isOutage(e)) });
      if (result.documents) await state.documents.apply('confluence', result.documents);
      state.cursor = result.nextCursor;
      return result;
    },
  };
}

/** `upsert <title>` / `delete <docId>`, sorted. */
export const summary = (result: PollResult) => result.events.map((e) => (e.kind === 'upsert' ? `upsert ${e.title ?? e.docId}` : `delete ${e.docId}`)).sort();

/** A webhook hint as the Confluence webhook route delivers it. */
export const hint = (event: string, pageId: string, version?: number) => ({ deliveryId: `${pageId}@${version}`, event, payload: { event, pageId, version } });

/** An instant `minutes` ago, to the minute. */
export const minutesAgo = (minutes: number) => Math.floor(Date.now() / 60_000) * 60_000 - minutes * 60_000;

/** Ids of the pages a poller's per-document state holds as ingested. */
export const heldPages = async (p: ReturnType<typeof confluencePoller>) => [...(await p.state.documents.load('confluence'))].map(([id]) => id);
