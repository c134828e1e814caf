import type { PollInput } from '../../machines/connector.machine.ts';
import type { ChangeTrigger, IngestionEvent } from '../../model/ingestion-event.ts';

/** How inlet came to see the changes one poll found: what triggered it, and when (ISO 8601). */
export interface SeenStamp {
  trigger: ChangeTrigger;
  seenAt: string;
}

/**
 * The stamp of a poll's changes (issue 14, "seen"): a poll that took webhook deliveries was triggered by them, and saw
 * the changes when the first of them arrived at the route; one a file watcher asked for saw them at the watcher's first
 * notice; any other poll (its interval, start-up, `poll now`) saw them when the source answered (`foundAt`, epoch ms).
 * A delivery stamped by no route (an older version's buffer) counts from `foundAt`.
 */
export function seenStampOf(input: Pick<PollInput, 'webhooks' | 'watchedAt'>, foundAt: number): SeenStamp {
  if (input.webhooks.length > 0) {
    const arrivals = input.webhooks.flatMap((w) => (w.receivedAt === undefined ? [] : [Date.parse(w.receivedAt)])).filter(Number.isFinite);
    return { trigger: 'webhook', seenAt: new Date(Math.min(foundAt, ...arrivals)).toISOString() };
  }
  if (input.watchedAt !== undefined) return { trigger: 'watch', seenAt: input.watchedAt };
  return { trigger: 'poll', seenAt: new Date(foundAt).toISOString() };
}

/** The events with the stamp; ids are left alone (they are the queue's idempotency keys), as is a stamp already set. */
export function withSeenStamp(events: readonly IngestionEvent[], stamp: SeenStamp): IngestionEvent[] {
  return events.map((event) => (event.trigger !== undefined && event.seenAt !== undefined ? event : { ...event, ...stamp }));
}
