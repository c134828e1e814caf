import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { WebhookMessage } from '../../machines/connector.machine.ts';
import type { DocumentStateChanges } from '../cursor/document-state-store.ts';

/**
 * Runs one call to the source through the connector's circuit breaker. The call gets the signal to hand to its
 * request (octokit's `request.signal`, `fetch`'s `signal`): aborted when the poll is abandoned. Once the poll is
 * abandoned, the guard refuses every further call without touching the source.
 */
export type GuardedCall = <T>(call: (signal?: AbortSignal) => Promise<T>) => Promise<T>;

/** What a source is given for one poll. */
export interface PollRequest {
  /** The cursor saved after the last successful poll, or null for a backfill. */
  cursor: unknown;
  /** Webhook deliveries buffered since the last poll (hints; the poll must not depend on them to be correct). */
  webhooks: WebhookMessage[];
  /** Every call that touches the source goes through this. */
  guard: GuardedCall;
  /**
   * Aborted when the poll is abandoned (the connector stopped, paused under backpressure, or its breaker opened):
   * the poll should stop at once; whatever it returns or throws afterwards is ignored.
   */
  signal: AbortSignal;
  /**
   * What the source remembers per document (its own encoding), as held after the last successful poll; read-only.
   * Empty when absent: a source that keeps per-document state then starts from nothing.
   */
  documents?: ReadonlyMap<string, string>;
}

/** What one poll found: the events, and the cursor to save once they are all enqueued. */
export interface PollResult {
  events: IngestionEvent[];
  nextCursor: unknown;
  /** The per-document entries this poll changed, saved before the cursor once the events are enqueued. */
  documents?: DocumentStateChanges;
  /**
   * Entries saved before the first event is enqueued: a mark on every document the events touch. An enqueue reported
   * as failed may still have landed (a command that timed out on the client and that Redis ran once it woke, a crash
   * right after it), and the next poll must know which documents that may have put in the stores, or changed there.
   */
  pending?: DocumentStateChanges;
}

/** A source of documents (local folder, GitHub, Notion, Confluence), one instance per connector. */
export interface DocumentSource {
  /** Finds the changes since `cursor`. Must not save anything: the caller saves the cursor after enqueueing. */
  poll(request: PollRequest): Promise<PollResult>;
  /** Which errors are outages that count against the breaker. */
  isOutage(error: unknown): boolean;
  /**
   * Starts push notifications of changes, if the source has any (a file watcher); returns a stop function. `onChange`
   * gets when the first change of the notice was seen (epoch ms), the "seen" time of what the poll it asks for finds.
   */
  watch?(onChange: (firstNoticeAt: number) => void): () => void;
  /** Source-specific figures for health (rate-limit budget and so on). */
  health?(): Record<string, unknown>;
}
