import type { IngestionEvent } from '../../model/ingestion-event.ts';

/** Events both stores committed in one batch, and when (epoch ms): what the freshness metrics measure to. */
export interface CommitNotice {
  events: readonly IngestionEvent[];
  committedAt: number;
}

/** Told of every commit notice; must not throw (an error is dropped so that it cannot fail the batch). */
export type CommitListener = (notice: CommitNotice) => void;

/**
 * Where this process's workers say what they committed, for whoever measures it (the freshness histograms of each
 * app's registry, the freshness lag in health): emitted, so the workers know nothing of Prometheus (STYLE.md).
 */
export class CommitNotices {
  private readonly listeners = new Set<CommitListener>();

  /** Adds `listener`; returns the call that removes it. */
  subscribe(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener; a notice without events is not sent. */
  publish(notice: CommitNotice): void {
    if (notice.events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch {
        // A metric that fails must not release a batch the stores already hold.
      }
    }
  }
}
