import { type RedisClient, RedisScript } from '../queue/redis-script.ts';
import { StoreUnavailableError } from '../stores/store-errors.ts';
import { ChangeCursorError } from './change-cursor-error.ts';
import { CHANGE_FEED_RETENTION, type Change, type ChangeFeed, type ChangePage, type ChangeRecord, FEED_START } from './change-feed.ts';

/**
 * Appends changes to the feed stream and notes each document's last commit.
 * KEYS[1] the stream, KEYS[2] the hash doc id -> stream id of its last upsert.
 * ARGV[1] the approximate MAXLEN, then five per change: doc id, source, kind, path, url ('' for none).
 * Returns the stream ids added, in order.
 */
const appendChanges = new RedisScript(
  `local ids = {}
for i = 2, #ARGV, 5 do
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'doc', ARGV[i], 'source', ARGV[i + 1], 'kind', ARGV[i + 2], 'path', ARGV[i + 3], 'url', ARGV[i + 4])
  if ARGV[i + 2] == 'delete' then redis.call('HDEL', KEYS[2], ARGV[i]) else redis.call('HSET', KEYS[2], ARGV[i], id) end
  ids[#ids + 1] = id
end
return ids`,
  2,
);

type StreamEntry = [id: string, fields: string[]];

/** Options for tests. */
export interface RedisChangeFeedOptions {
  /** Changes kept (approximately: `MAXLEN ~`); default `CHANGE_FEED_RETENTION`. */
  retention?: number;
  /** How long one XREAD of `follow` blocks (ms); default 1000. */
  blockMs?: number;
}

/**
 * The change feed as a Redis stream `<prefix>:changes` (with `<prefix>:changes:last-commit`). Redis assigns the ids as
 * the XADDs arrive, so workers on any host append in commit order, and the id's time part is the commit time by the
 * server's clock. The prefix carries the queue's hash tag, so both keys sit in one Cluster slot with the script.
 */
export class RedisChangeFeed implements ChangeFeed {
  private readonly stream: string;
  private readonly lastCommit: string;
  private readonly retention: number;
  private readonly blockMs: number;

  /** `openBlocking` gives a dedicated connection for `follow`'s XREAD BLOCK; it is disconnected when following stops. */
  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly openBlocking: () => RedisClient,
    options: RedisChangeFeedOptions = {},
  ) {
    this.stream = `${prefix}:changes`;
    this.lastCommit = `${prefix}:changes:last-commit`;
    this.retention = options.retention ?? CHANGE_FEED_RETENTION;
    this.blockMs = options.blockMs ?? 1000;
  }

  async append(changes: readonly ChangeRecord[]): Promise<void> {
    if (changes.length === 0) return;
    const args: (string | number)[] = [this.retention];
    for (const c of changes) args.push(c.docId, c.source, c.kind, c.path, c.url ?? '');
    await this.call(() => appendChanges.run(this.redis, [this.stream, this.lastCommit], args));
  }

  async read(since: string | undefined, limit: number): Promise<ChangePage> {
    if (since === undefined) {
      const entries = (await this.call(() => this.redis.xrevrange(this.stream, '+', '-', 'COUNT', limit))) as StreamEntry[];
      entries.reverse();
      const last = entries.length > 0 ? entries[entries.length - 1][0] : await this.lastId();
      return { changes: entries.map(changeOf), nextCursor: last, hasMore: false };
    }
    await this.check(since);
    const start = since === FEED_START ? '-' : `(${since}`;
    const entries = (await this.call(() => this.redis.xrange(this.stream, start, '+', 'COUNT', limit + 1))) as StreamEntry[];
    // Again after the read: another worker's append may have trimmed past the cursor between the first check and the
    // read, and the page would then start after a gap. Trimming only moves the head forward, so a check that passes now
    // held at the read too.
    await this.check(since);
    const page = entries.slice(0, limit);
    return { changes: page.map(changeOf), nextCursor: page.length > 0 ? page[page.length - 1][0] : since, hasMore: entries.length > limit };
  }

  async lastCommitted(docIds: readonly string[]): Promise<Map<string, string>> {
    if (docIds.length === 0) return new Map();
    const ids = await this.call(() => this.redis.hmget(this.lastCommit, ...docIds));
    const found = new Map<string, string>();
    ids.forEach((id, i) => {
      if (id) found.set(docIds[i], timeOf(id));
    });
    return found;
  }

  async follow(onChanges: (changes: Change[]) => void, onError: (error: unknown) => void): Promise<() => void> {
    // The last id now, not '$' on every XREAD: a change appended between two of them would be missed.
    let after = await this.lastId();
    const blocking = this.openBlocking();
    let stopped = false;
    const loop = async () => {
      while (!stopped) {
        try {
          const answer = (await blocking.xread('COUNT', 1000, 'BLOCK', this.blockMs, 'STREAMS', this.stream, after)) as [string, StreamEntry[]][] | null;
          const entries = answer?.[0]?.[1] ?? [];
          if (entries.length === 0) continue;
          after = entries[entries.length - 1][0];
          onChanges(entries.map(changeOf));
        } catch (error) {
          if (stopped) return;
          onError(new StoreUnavailableError('changes', error));
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    };
    void loop();
    return () => {
      stopped = true;
      blocking.disconnect();
    };
  }

  /** Refuses a cursor that is malformed, ahead of the stream, or older than what trimming left with a gap after it. */
  private async check(cursor: string): Promise<void> {
    if (cursor === FEED_START) return;
    const id = parseId(cursor);
    if (!id) throw new ChangeCursorError(cursor, 'malformed');
    const info = await this.info();
    if (!info) throw new ChangeCursorError(cursor, 'unknown');
    if (compareIds(id, parseId(info.lastGenerated)!) > 0) throw new ChangeCursorError(cursor, 'unknown');
    // Trimming removes the head only: a cursor at or past the first kept entry has lost nothing; before it, only an
    // untrimmed stream (every entry ever added still there) has lost nothing either.
    const trimmed = info.entriesAdded > info.length;
    if (trimmed && (info.firstId === null || compareIds(id, parseId(info.firstId)!) < 0)) throw new ChangeCursorError(cursor, 'expired');
  }

  private async info(): Promise<{ length: number; entriesAdded: number; lastGenerated: string; firstId: string | null } | null> {
    let raw: unknown[];
    try {
      raw = (await this.redis.xinfo('STREAM', this.stream)) as unknown[];
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return null;
      throw new StoreUnavailableError('changes', error);
    }
    const field = new Map<string, unknown>();
    for (let i = 0; i + 1 < raw.length; i += 2) field.set(String(raw[i]), raw[i + 1]);
    const first = field.get('first-entry') as StreamEntry | null;
    return {
      length: Number(field.get('length')),
      entriesAdded: Number(field.get('entries-added')),
      lastGenerated: String(field.get('last-generated-id')),
      firstId: first ? first[0] : null,
    };
  }

  private async lastId(): Promise<string> {
    const info = await this.info();
    return info ? info.lastGenerated : FEED_START;
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new StoreUnavailableError('changes', error);
    }
  }
}

function changeOf([id, fields]: StreamEntry): Change {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i], fields[i + 1]);
  const url = f.get('url');
  return {
    cursor: id,
    docId: f.get('doc') ?? '',
    source: f.get('source') ?? '',
    kind: f.get('kind') === 'delete' ? 'delete' : 'upsert',
    path: f.get('path') ?? '',
    ...(url && { url }),
    committedAt: timeOf(id),
  };
}

/** The commit time a stream id carries: its milliseconds part. */
function timeOf(id: string): string {
  return new Date(Number(id.split('-')[0])).toISOString();
}

function parseId(cursor: string): [bigint, bigint] | null {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(cursor);
  return match ? [BigInt(match[1]), BigInt(match[2])] : null;
}

function compareIds(a: [bigint, bigint], b: [bigint, bigint]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1;
}
