import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { QueueSizes } from '../../model/queue-stats.ts';

/** An event a consumer holds under a lease; `receipt` identifies the claim for ack, retry and release. */
export interface ClaimedEvent {
  event: IngestionEvent;
  /** Opaque handle of this claim: the event's id in the queue and the claim's lease token. */
  receipt: string;
  /** Failed attempts before this delivery (`retry` calls; lease expiries are counted apart, see lease-policy.ts). */
  attempts: number;
  /**
   * Assigned atomically at enqueue: strictly increasing across all enqueues of this queue (also across `clear`),
   * unchanged by retry, release, reap and redelivery. Stores fence document versions with it.
   */
  sequence: number;
}

/** Outcome of an enqueue: duplicates are events whose id was already queued inside the dedupe window. */
export interface EnqueueResult {
  queued: number;
  duplicates: number;
}

/** An event that failed `max_attempts` times, or an entry that could not be parsed, kept for inspection. */
export interface DeadLetter {
  /** The queue entry (the event's JSON) as it was stored; for an unreadable record, the record itself. */
  entry: string;
  reason: string;
  /** When it was dead-lettered (epoch ms); 0 when the record does not say. */
  failedAt: number;
}

/** A dead-lettering the queue decided on its own (not through `retry`, whose caller gets the verdict), for the log. */
export interface DeadLetterNotice {
  /** The event's id, or null when the entry could not be parsed. */
  eventId: string | null;
  reason: string;
}

/** Options of a claim. */
export interface ClaimOptions {
  /** How many events at most. */
  max: number;
  /** How long to wait for the first event when the queue is empty (ms); 0 returns at once. */
  waitMs: number;
}

/**
 * The ingestion queue contract, served by Redis (production) and SQLite (embedded default).
 * Delivery is at least once: an event leaves the queue only through `ack` or the dead-letter list.
 */
export interface IngestionQueue {
  /** The queue's name (`queue.name`, default `ingestion:queue`). */
  readonly name: string;
  /** How long a claim's lease lasts unless extended (ms); workers extend theirs well within it. */
  readonly leaseMs: number;
  /** Adds events atomically (all or none); throws `QueueFullError` past `max_size`. Duplicate ids are skipped. */
  enqueue(events: IngestionEvent[]): Promise<EnqueueResult>;
  /** Takes up to `max` events, FIFO, under a lease; malformed entries go to the dead-letter list on the way. */
  claim(options: ClaimOptions): Promise<ClaimedEvent[]>;
  /**
   * Removes events whose processing committed. A late ack (the lease was reaped meanwhile) removes the event from
   * wherever it is now, so a slow batch is neither repeated forever nor charged for the reap.
   */
  ack(claimed: ClaimedEvent[]): Promise<void>;
  /** Schedules another delivery after a backoff, or dead-letters the event once `max_attempts` is reached. */
  retry(claimed: ClaimedEvent, reason: string): Promise<'retrying' | 'dead'>;
  /** Puts events back at the head of the queue without counting an attempt (a store outage is not their fault). */
  release(claimed: ClaimedEvent[]): Promise<void>;
  /**
   * Pushes the deadline of the leases these claims still hold to now + `leaseMs`; returns the events whose lease was
   * lost (reaped, maybe redelivered): their late ack still counts, their retry or release is ignored.
   */
  extendLeases(claimed: ClaimedEvent[]): Promise<ClaimedEvent[]>;
  /**
   * Returns events whose lease expired (their consumer died or hung) to the head of the queue, counting a lease expiry,
   * not a failed attempt; dead-letters those past `maxLeaseExpiries`. Looks only at expired leases. Returns how many.
   */
  reapExpiredLeases(): Promise<number>;
  /**
   * Sizes only: the backpressure latch is the supervisor's (`ConnectorManager.queue.isBackpressure()` answers from it),
   * so every reader sees the one latch the connectors obey (issue 11).
   */
  getStats(): Promise<QueueSizes>;
  /** The dead-letter list, oldest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** How many dead letters wait for an operator (`inlet_queue_dead_letters`): one LLEN or one indexed COUNT. */
  countDeadLetters(): Promise<number>;
  /** Deletes every event, lease, retry, dead letter and dedupe key of this queue (testing only). */
  clear(): Promise<void>;
  /** Closes connections; pending claims stay leased and are reaped later. */
  close(): Promise<void>;
}

/** Tunables shared by both queue implementations. */
export interface QueueOptions {
  /** List name, `ingestion:queue` by default; other keys derive from it. */
  name: string;
  /** Refuse enqueues past this many waiting events. */
  maxSize: number;
  /** How long a claim is held before its events return to the queue (ms). */
  leaseMs: number;
  /** Failed attempts (`retry`) before an event is dead-lettered. */
  maxAttempts: number;
  /** Lease expiries before an event is dead-lettered; default `max(10, 2 * maxAttempts)` (see lease-policy.ts). */
  maxLeaseExpiries?: number;
  /** First retry delay (ms); doubles each attempt. */
  retryBaseMs: number;
  /** How long an event id is remembered for deduplication (ms). */
  dedupeWindowMs: number;
  /** Clock, injectable so tests can expire leases without sleeping. */
  now?: () => number;
  /** Told of each entry dead-lettered by `claim` (malformed) or `reapExpiredLeases` (lease expired `maxLeaseExpiries` times). */
  onDeadLetter?: (notice: DeadLetterNotice) => void;
}
