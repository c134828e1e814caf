/** Where connectors keep how far they got (scope, commit, ETag, timestamp, format version); JSON-serialisable values only. What they remember per document is in the `DocumentStateStore`. */
export interface CursorStore {
  /** The cursor saved for `connector`, or null before its first successful poll. */
  get(connector: string): Promise<unknown>;
  /** Saves the cursor; called only after the events it covers are enqueued. */
  set(connector: string, cursor: unknown): Promise<void>;
  /** Forgets a connector's cursor, so its next poll is a full backfill. */
  delete(connector: string): Promise<void>;
}
