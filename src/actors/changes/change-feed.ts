/**
 * How many changes the feed keeps: the newest 100,000 (issue 15 asks to say how long). At a few thousand changes a day
 * that is weeks; a burst (a first sync of a large wiki) shortens it, and a reader that fell further behind is told its
 * cursor expired. On Redis the trim is approximate (`MAXLEN ~`): a few hundred more may stay.
 */
export const CHANGE_FEED_RETENTION = 100_000;

/** The cursor that means "from the oldest change kept". */
export const FEED_START = '0';

/** One committed change to a document, as a worker appends it. */
export interface ChangeRecord {
  docId: string;
  /** The connector the change came from. */
  source: string;
  kind: 'upsert' | 'delete';
  /** Path inside the source. */
  path: string;
  url?: string;
}

/** A change as the feed hands it out: with its place in commit order and when it was committed. */
export interface Change extends ChangeRecord {
  /** Opaque position: reading since it returns the changes committed after this one. */
  cursor: string;
  /** When both stores had committed it (ISO 8601). */
  committedAt: string;
}

/** One read of the feed. */
export interface ChangePage {
  /** In commit order, oldest first. */
  changes: Change[];
  /** The cursor to read on from: the last change's, or the one given when there was none. */
  nextCursor: string;
  /** True when more changes follow `nextCursor` already. */
  hasMore: boolean;
}

/**
 * The change feed (issue 15): every upsert and delete both stores committed, in commit order, across workers and
 * hosts, kept over restarts (the newest `CHANGE_FEED_RETENTION`).
 */
export interface ChangeFeed {
  /** Appends changes that both stores committed, in the order given. */
  append(changes: readonly ChangeRecord[]): Promise<void>;
  /**
   * Up to `limit` changes after `since` (`FEED_START` for the oldest kept); without `since`, the newest `limit`.
   * Rejects with a `ChangeCursorError` for a cursor that is malformed, not of this feed, or already trimmed away.
   */
  read(since: string | undefined, limit: number): Promise<ChangePage>;
  /** When each document's last upsert was committed, for those the feed knows (ISO 8601). */
  lastCommitted(docIds: readonly string[]): Promise<Map<string, string>>;
  /**
   * Calls `onChanges` with each change committed after this call, by any process (Redis: XREAD BLOCK; SQLite: a short
   * poll). Resolves, once it has its starting point, to the function that stops it.
   */
  follow(onChanges: (changes: Change[]) => void, onError: (error: unknown) => void): Promise<() => void>;
}
