import { randomBytes } from 'node:crypto';
import { usagePercent } from '../../model/backpressure.ts';
import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { QueueSizes } from '../../model/queue-stats.ts';
import { parseDeadLetterRecord } from './dead-letter-record.ts';
import type { ClaimedEvent, ClaimOptions, DeadLetter, EnqueueResult, IngestionQueue, QueueOptions } from './ingestion-queue.ts';
import { defaultMaxLeaseExpiries, formatReceipt, parseReceipt, REAPED_REASON } from './lease-policy.ts';
import { entryIdOf, parseEntry } from './parse-entry.ts';
import { QueueFullError, QueueUnavailableError } from './queue-errors.ts';
import {
  ackScript,
  claimScript,
  deadLetterScript,
  enqueueScript,
  extendScript,
  leaseScript,
  reapScript,
  releaseScript,
  retryScript,
} from './redis-queue-scripts.ts';
import type { RedisClient } from './redis-script.ts';

// How many expired leases one reap call handles; the rest wait for the next tick (the monitor runs every second).
const REAP_LIMIT = 1000;

/**
 * Key names derived from the queue name. The ready list is the name itself, so `redis-cli LLEN ingestion:queue` works;
 * every other key carries the name as hash tag (`{ingestion:queue}:payloads`), which puts it in the list's own Redis
 * Cluster slot (the slot of an untagged key is the hash of the whole key), so every script's keys share one slot.
 */
export function redisQueueKeys(name: string) {
  const tag = `{${name}}`;
  return {
    ready: name,
    /** Items a blocking claim moved with BLMOVE and has not leased yet (at most one per waiting claim). */
    handoff: `${tag}:processing`,
    leases: `${tag}:leases`,
    holders: `${tag}:holders`,
    payloads: `${tag}:payloads`,
    attempts: `${tag}:attempts`,
    expiries: `${tag}:expiries`,
    delayed: `${tag}:delayed`,
    dead: `${tag}:dead`,
    dedupe: `${tag}:dedupe`,
    seq: `${tag}:seq`,
  };
}

/** Connection-level failures become QueueUnavailableError; Lua and argument errors stay what they are. */
function asQueueError(error: unknown): unknown {
  if (error instanceof QueueFullError || (error instanceof Error && error.name === 'ReplyError')) return error;
  return new QueueUnavailableError(error);
}

/** One claimed id as a script returns it: the id, its payload (null when none is stored) and its failed attempts. */
type RawClaim = [id: string, payload: string | null, attempts: number];

/** The ingestion queue on Redis: a list of event ids with leases, retries, dead letters and dedupe, each change one Lua script. */
export class RedisQueue implements IngestionQueue {
  readonly name: string;
  readonly leaseMs: number;
  private readonly keys: ReturnType<typeof redisQueueKeys>;
  private readonly now: () => number;
  private readonly maxLeaseExpiries: number;
  private closed = false;

  /**
   * @param redis commands connection, a `Redis` or a `Cluster` (the caller owns it; `enableOfflineQueue: false` makes outages fail fast)
   * @param blocking a dedicated connection for BLMOVE, closed by `close()`
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly blocking: RedisClient,
    private readonly options: QueueOptions,
  ) {
    this.name = options.name;
    this.leaseMs = options.leaseMs;
    this.keys = redisQueueKeys(options.name);
    this.now = options.now ?? Date.now;
    this.maxLeaseExpiries = options.maxLeaseExpiries ?? defaultMaxLeaseExpiries(options.maxAttempts);
  }

  async enqueue(events: IngestionEvent[]): Promise<EnqueueResult> {
    if (events.length === 0) return { queued: 0, duplicates: 0 };
    const k = this.keys;
    const pairs = events.flatMap((event) => [event.id, JSON.stringify(event)]);
    const [queued, second] = (await this.call(() =>
      enqueueScript.run(this.redis, [k.ready, k.dedupe, k.seq, k.payloads], [this.options.maxSize, this.now(), this.options.dedupeWindowMs, ...pairs]),
    )) as [number, number];
    if (queued === -1) throw new QueueFullError(second, this.options.maxSize, events.length);
    return { queued, duplicates: second };
  }

  async claim({ max, waitMs }: ClaimOptions): Promise<ClaimedEvent[]> {
    const k = this.keys;
    const token = randomBytes(9).toString('base64url');
    const flat = (await this.call(() =>
      claimScript.run(this.redis, [k.ready, k.leases, k.holders, k.payloads, k.attempts, k.delayed, k.seq], [
        max,
        this.now(),
        this.leaseMs,
        token,
      ]),
    )) as (string | null)[];
    const raw: RawClaim[] = [];
    for (let i = 0; i < flat.length; i += 3) raw.push([String(flat[i]), flat[i + 1], Number(flat[i + 2])]);
    if (raw.length === 0 && waitMs > 0 && !this.closed) {
      const first = await this.waitForOne(waitMs, token);
      if (first) raw.push(first);
    }
    return this.parse(raw, token);
  }

  /** Blocks on the dedicated connection; an item moved here but not leased is put back by the next reap if we die first. */
  private async waitForOne(waitMs: number, token: string): Promise<RawClaim | undefined> {
    const k = this.keys;
    // The claim script just ran on the commands connection, so Redis answers; the dedicated one may still be connecting
    // (it is opened later, and with enableOfflineQueue off a command on it would fail as an outage).
    if (!(await this.blockingReady(waitMs))) return undefined;
    let item: string | null;
    try {
      item = await this.blocking.blmove(k.ready, k.handoff, 'LEFT', 'RIGHT', waitMs / 1000);
    } catch (error) {
      if (this.closed) return undefined;
      throw asQueueError(error);
    }
    if (!item) return undefined;
    const leased = (await this.call(() =>
      leaseScript.run(this.redis, [k.handoff, k.leases, k.holders, k.payloads, k.attempts, k.seq], [item, this.now() + this.leaseMs, token]),
    )) as [string, string | null, string] | null;
    return leased ? [String(leased[0]), leased[1], Number(leased[2])] : undefined;
  }

  /** Resolves true once the blocking connection is ready, false if it is not within `waitMs`. */
  private blockingReady(waitMs: number): Promise<boolean> {
    const blocking = this.blocking;
    if (blocking.status === 'ready') return Promise.resolve(true);
    if (blocking.status === 'wait') blocking.connect().catch(() => undefined); // lazyConnect: open it on first use
    return new Promise((resolve) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        blocking.off('ready', onReady);
        resolve(false);
      }, waitMs);
      blocking.once('ready', onReady);
    });
  }

  private async parse(raw: RawClaim[], token: string): Promise<ClaimedEvent[]> {
    const claimed: ClaimedEvent[] = [];
    for (const [id, payload, attempts] of raw) {
      const parsed = payload === null ? { problem: `no payload stored for id ${id}` } : parseEntry(payload);
      if ('problem' in parsed) {
        const reason = `malformed entry: ${parsed.problem}`;
        const k = this.keys;
        await this.call(() =>
          deadLetterScript.run(this.redis, [k.leases, k.holders, k.payloads, k.attempts, k.expiries, k.dead], [id, token, reason, this.now()]),
        );
        this.options.onDeadLetter?.({ eventId: payload === null ? null : entryIdOf(payload), reason });
      } else claimed.push({ event: parsed.event, receipt: formatReceipt(id, token), attempts, sequence: Number(id) });
    }
    return claimed;
  }

  async ack(claimed: ClaimedEvent[]): Promise<void> {
    if (claimed.length === 0) return;
    const k = this.keys;
    await this.call(() =>
      ackScript.run(this.redis, [k.ready, k.handoff, k.leases, k.holders, k.payloads, k.attempts, k.expiries, k.delayed], this.receiptPairs(claimed)),
    );
  }

  async retry(claimed: ClaimedEvent, reason: string): Promise<'retrying' | 'dead'> {
    const k = this.keys;
    const { id, token } = parseReceipt(claimed.receipt);
    const outcome = (await this.call(() =>
      retryScript.run(this.redis, [k.leases, k.holders, k.payloads, k.attempts, k.expiries, k.delayed, k.dead], [
        id,
        token,
        this.options.maxAttempts,
        this.now(),
        this.options.retryBaseMs,
        reason,
      ]),
    )) as 'retrying' | 'dead' | 'gone';
    // 'gone': the lease expired and the reaper already requeued it, which is a retry too (not counted: see lease-policy.ts).
    return outcome === 'dead' ? 'dead' : 'retrying';
  }

  async release(claimed: ClaimedEvent[]): Promise<void> {
    if (claimed.length === 0) return;
    const k = this.keys;
    await this.call(() => releaseScript.run(this.redis, [k.ready, k.leases, k.holders], this.receiptPairs(claimed)));
  }

  async extendLeases(claimed: ClaimedEvent[]): Promise<ClaimedEvent[]> {
    if (claimed.length === 0) return [];
    const k = this.keys;
    const lost = (await this.call(() =>
      extendScript.run(this.redis, [k.leases, k.holders], [this.now() + this.leaseMs, ...this.receiptPairs(claimed)]),
    )) as string[];
    const lostIds = new Set(lost.map(String));
    return claimed.filter((c) => lostIds.has(parseReceipt(c.receipt).id));
  }

  async reapExpiredLeases(): Promise<number> {
    const k = this.keys;
    const [reaped, ...dead] = (await this.call(() =>
      reapScript.run(this.redis, [k.ready, k.handoff, k.leases, k.holders, k.payloads, k.attempts, k.expiries, k.dead], [
        this.now(),
        this.maxLeaseExpiries,
        REAPED_REASON,
        REAP_LIMIT,
      ]),
    )) as [number, ...(string | number)[]];
    for (let i = 0; i < dead.length; i += 3) {
      this.options.onDeadLetter?.({ eventId: entryIdOf(String(dead[i + 1])), reason: `${REAPED_REASON} ${dead[i + 2]} times` });
    }
    return Number(reaped);
  }

  /** Sizes only; the backpressure latch is the supervisor's. */
  async getStats(): Promise<QueueSizes> {
    const size = await this.call(() => this.redis.llen(this.keys.ready));
    return { queue_name: this.name, size, max_size: this.options.maxSize, usage_pct: usagePercent(size, this.options.maxSize) };
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const records = await this.call(() => this.redis.lrange(this.keys.dead, 0, limit - 1));
    return records.map(parseDeadLetterRecord);
  }

  async countDeadLetters(): Promise<number> {
    return this.call(() => this.redis.llen(this.keys.dead));
  }

  /** Deletes everything but the sequence counter: sequences never go back, or stores would refuse later versions. */
  async clear(): Promise<void> {
    const { seq: _kept, ...cleared } = this.keys;
    await this.call(() => this.redis.del(...Object.values(cleared)));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.blocking.disconnect();
  }

  /** Flat (id, claim token) pairs, the scripts' argument shape. */
  private receiptPairs(claimed: ClaimedEvent[]): string[] {
    return claimed.flatMap((c) => {
      const { id, token } = parseReceipt(c.receipt);
      return [id, token];
    });
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw asQueueError(error);
    }
  }
}
