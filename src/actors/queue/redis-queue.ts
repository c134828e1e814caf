import type { Redis } from 'ioredis';
import { nextBackpressure, usagePercent } from '../../model/backpressure.ts';
import type { IngestionEvent } from '../../model/ingestion-event.ts';
import type { QueueStats } from '../../model/queue-stats.ts';
import type { ClaimedEvent, ClaimOptions, DeadLetter, EnqueueResult, IngestionQueue, QueueOptions } from './ingestion-queue.ts';
import { entryIdOf, parseEntry } from './parse-entry.ts';
import { QueueFullError, QueueUnavailableError } from './queue-errors.ts';
import {
  ackScript,
  claimScript,
  deadLetterScript,
  enqueueScript,
  leaseScript,
  reapScript,
  releaseScript,
  retryScript,
} from './redis-queue-scripts.ts';

/** Key names derived from the queue name; the ready list is the name itself, so `redis-cli LLEN ingestion:queue` works. */
function keysOf(name: string) {
  return {
    ready: name,
    processing: `${name}:processing`,
    leases: `${name}:leases`,
    delayed: `${name}:delayed`,
    attempts: `${name}:attempts`,
    dead: `${name}:dead`,
    dedupe: `${name}:dedupe`,
    // Hash-tagged so it shares the list's Redis Cluster slot; kept by clear() so sequences never go back.
    seq: `{${name}}:seq`,
    sequences: `${name}:sequences`,
  };
}

/** Connection-level failures become QueueUnavailableError; Lua and argument errors stay what they are. */
function asQueueError(error: unknown): unknown {
  if (error instanceof QueueFullError || (error instanceof Error && error.name === 'ReplyError')) return error;
  return new QueueUnavailableError(error);
}

/** The ingestion queue on Redis: a list with leases (LMOVE), retries, dead letters and dedupe, each change one Lua script. */
export class RedisQueue implements IngestionQueue {
  readonly name: string;
  private readonly keys: ReturnType<typeof keysOf>;
  private readonly now: () => number;
  private latch = false;
  private closed = false;

  /**
   * @param redis commands connection (the caller owns it; `enableOfflineQueue: false` makes outages fail fast)
   * @param blocking a dedicated connection for BLMOVE, closed by `close()`
   */
  constructor(
    private readonly redis: Redis,
    private readonly blocking: Redis,
    private readonly options: QueueOptions,
  ) {
    this.name = options.name;
    this.keys = keysOf(options.name);
    this.now = options.now ?? Date.now;
  }

  async enqueue(events: IngestionEvent[]): Promise<EnqueueResult> {
    if (events.length === 0) return { queued: 0, duplicates: 0 };
    const pairs = events.flatMap((event) => [event.id, JSON.stringify(event)]);
    const [queued, second] = (await this.call(() =>
      enqueueScript.run(this.redis, [this.keys.ready, this.keys.dedupe, this.keys.seq, this.keys.sequences], [
        this.options.maxSize,
        this.now(),
        this.options.dedupeWindowMs,
        ...pairs,
      ]),
    )) as [number, number];
    if (queued === -1) throw new QueueFullError(second, this.options.maxSize, events.length);
    return { queued, duplicates: second };
  }

  async claim({ max, waitMs }: ClaimOptions): Promise<ClaimedEvent[]> {
    const k = this.keys;
    const flat = (await this.call(() =>
      claimScript.run(this.redis, [k.ready, k.processing, k.leases, k.delayed, k.attempts, k.sequences], [max, this.now(), this.options.leaseMs]),
    )) as string[];
    const raw: [string, number, number][] = [];
    for (let i = 0; i < flat.length; i += 3) raw.push([flat[i], Number(flat[i + 1]), Number(flat[i + 2])]);
    if (raw.length === 0 && waitMs > 0 && !this.closed) {
      const first = await this.waitForOne(waitMs);
      if (first) raw.push(first);
    }
    return this.parse(raw);
  }

  /** Blocks on the dedicated connection; an entry moved here without a lease gets one from the next reap if we die first. */
  private async waitForOne(waitMs: number): Promise<[string, number, number] | undefined> {
    let entry: string | null;
    try {
      entry = await this.blocking.blmove(this.keys.ready, this.keys.processing, 'LEFT', 'RIGHT', waitMs / 1000);
    } catch (error) {
      if (this.closed) return undefined;
      throw asQueueError(error);
    }
    if (!entry) return undefined;
    const [attempts, sequence] = (await this.call(() =>
      leaseScript.run(this.redis, [this.keys.leases, this.keys.attempts, this.keys.sequences], [entry, this.now() + this.options.leaseMs]),
    )) as [string, string];
    return [entry, Number(attempts), Number(sequence)];
  }

  private async parse(raw: [string, number, number][]): Promise<ClaimedEvent[]> {
    const claimed: ClaimedEvent[] = [];
    for (const [entry, attempts, sequence] of raw) {
      const parsed = parseEntry(entry);
      if ('problem' in parsed) {
        const reason = `malformed entry: ${parsed.problem}`;
        await this.deadLetter(entry, reason);
        this.options.onDeadLetter?.({ eventId: entryIdOf(entry), reason });
      } else claimed.push({ event: parsed.event, receipt: entry, attempts, sequence });
    }
    return claimed;
  }

  private async deadLetter(entry: string, reason: string): Promise<void> {
    const k = this.keys;
    const record = JSON.stringify({ entry, reason, failed_at: this.now() });
    await this.call(() => deadLetterScript.run(this.redis, [k.processing, k.leases, k.attempts, k.dead], [entry, record]));
  }

  async ack(claimed: ClaimedEvent[]): Promise<void> {
    if (claimed.length === 0) return;
    const k = this.keys;
    await this.call(() => ackScript.run(this.redis, [k.processing, k.leases, k.attempts, k.sequences], claimed.map((c) => c.receipt)));
  }

  async retry(claimed: ClaimedEvent, reason: string): Promise<'retrying' | 'dead'> {
    const k = this.keys;
    const record = JSON.stringify({ entry: claimed.receipt, reason, failed_at: this.now() });
    const outcome = (await this.call(() =>
      retryScript.run(this.redis, [k.processing, k.leases, k.attempts, k.delayed, k.dead], [
        claimed.receipt,
        this.options.maxAttempts,
        this.now(),
        this.options.retryBaseMs,
        record,
      ]),
    )) as 'retrying' | 'dead' | 'gone';
    // 'gone': the lease expired and the reaper already requeued it, which is a retry too.
    return outcome === 'dead' ? 'dead' : 'retrying';
  }

  async release(claimed: ClaimedEvent[]): Promise<void> {
    if (claimed.length === 0) return;
    const k = this.keys;
    await this.call(() => releaseScript.run(this.redis, [k.ready, k.processing, k.leases], claimed.map((c) => c.receipt)));
  }

  async reapExpiredLeases(): Promise<number> {
    const k = this.keys;
    const [reaped, ...dead] = (await this.call(() =>
      reapScript.run(this.redis, [k.ready, k.processing, k.leases, k.attempts, k.dead], [this.now(), this.options.leaseMs, this.options.maxAttempts]),
    )) as [number, ...(string | number)[]];
    for (let i = 0; i < dead.length; i += 2) {
      this.options.onDeadLetter?.({ eventId: entryIdOf(String(dead[i])), reason: `lease expired ${dead[i + 1]} times` });
    }
    return Number(reaped);
  }

  async getStats(): Promise<QueueStats> {
    const size = await this.call(() => this.redis.llen(this.keys.ready));
    const usage = usagePercent(size, this.options.maxSize);
    this.latch = nextBackpressure(this.latch, usage, { onPct: this.options.backpressureOnPct, offPct: this.options.backpressureOffPct });
    return { queue_name: this.name, size, max_size: this.options.maxSize, usage_pct: usage, backpressure: this.latch };
  }

  async isBackpressure(): Promise<boolean> {
    return (await this.getStats()).backpressure;
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const records = await this.call(() => this.redis.lrange(this.keys.dead, 0, limit - 1));
    return records.map((record) => {
      const { entry, reason, failed_at } = JSON.parse(record) as { entry: string; reason: string; failed_at: number };
      return { entry, reason, failedAt: failed_at };
    });
  }

  async clear(): Promise<void> {
    const { seq: _kept, ...cleared } = this.keys;
    await this.call(() => this.redis.del(...Object.values(cleared)));
    this.latch = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.blocking.disconnect();
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw asQueueError(error);
    }
  }
}

