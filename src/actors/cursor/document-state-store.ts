/** What changed in a connector's per-document state during one poll: entries to write and ids to forget. */
export interface DocumentStateChanges {
  /** Document id (the source's own) → its state, encoded by the source (hash, version, parent...). */
  set: Record<string, string>;
  /** Documents the connector holds no more. */
  delete: string[];
}

/** True when `changes` writes nothing. */
export function isEmptyChange(changes: DocumentStateChanges): boolean {
  return changes.delete.length === 0 && Object.keys(changes.set).length === 0;
}

/**
 * What a source remembers per document (issue 12 part 4), kept beside the cursor in the queue's store so that a poll
 * writes only the documents that changed, never the whole map. The values are opaque strings the source encodes.
 */
export interface DocumentStateStore {
  /** Every entry held for `connector` (empty before its first poll). */
  load(connector: string): Promise<ReadonlyMap<string, string>>;
  /** Writes the changed entries and deletes the forgotten ones; called after the events they cover are enqueued (and for a source's pending marks, before). */
  apply(connector: string, changes: DocumentStateChanges): Promise<void>;
  /** Forgets every entry of `connector`. */
  clear(connector: string): Promise<void>;
}
