import type { ClaimedEvent } from '../queue/ingestion-queue.ts';

/** A claimed batch split into the events to process and the ones a newer event of the same batch supersedes. */
export interface CollapsedBatch {
  /** The newest event (highest sequence) of each document, in claim order. */
  newest: ClaimedEvent[];
  /** Older events of a document that also has a newer one in the batch: acknowledged without being processed. */
  superseded: ClaimedEvent[];
}

/**
 * Keeps one event per document, the newest by queue sequence (issue 11: only the newest change may be applied). The
 * stores would refuse the older ones anyway once the newest is written; collapsing first saves their embedding and
 * keeps a batch free of two writes to one document.
 */
export function collapseByDocument(items: readonly ClaimedEvent[]): CollapsedBatch {
  const newestOf = new Map<string, ClaimedEvent>();
  for (const item of items) {
    const kept = newestOf.get(item.event.docId);
    if (!kept || item.sequence > kept.sequence) newestOf.set(item.event.docId, item);
  }
  const keep = new Set(newestOf.values());
  return { newest: items.filter((i) => keep.has(i)), superseded: items.filter((i) => !keep.has(i)) };
}
