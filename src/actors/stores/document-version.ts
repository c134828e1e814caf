// Ordering per document (issue 11): every write to a store carries the version of the change it applies, the queue's
// enqueue sequence (`ClaimedEvent.sequence`), and each store keeps per document the version of the last change it
// applied, a tombstone when that change was a delete. See README "Ordering".

/** Where a document stands in a store: the version of the last change applied to it, and whether that was a delete. */
export interface AppliedVersion {
  version: number;
  /** True for a tombstone: the document was deleted by the change with `version`. */
  deleted: boolean;
}

/** What a fenced write did: `applied: false` means a newer change to the document was there first (a no-op, not an error). */
export interface WriteResult {
  applied: boolean;
}

/**
 * Reads the applied versions of documents from the store that orders them (the graph store, `appliedVersions`);
 * documents it has never seen are absent from the map. Handed to a vector store that cannot fence its own writes.
 */
export type VersionAuthority = (docIds: string[]) => Promise<Map<string, AppliedVersion>>;

/**
 * The version of documents written before writes carried one: they read as version 0, so any change applies over them.
 * The queue's sequences start at 1 (0 is what it reports for an entry enqueued before it kept sequences).
 */
export const UNVERSIONED = 0;

/**
 * Whether a change with `version` may be applied over `current` (absent: the store never saw the document).
 * Equal versions apply: sequences are unique, so an equal version is the same change again (a redelivery), and
 * re-applying it is idempotent; it is also how entries queued before sequences existed (all 0) keep their old FIFO behaviour.
 */
export function mayApply(version: number, current: AppliedVersion | undefined): boolean {
  return current === undefined || version >= current.version;
}

/**
 * Whether the graph's `current` state outdates an upsert with `version` that a store which cannot fence has just written:
 * a newer change, or a tombstone of the same version (only possible for unsequenced entries, all version 0).
 */
export function isOutdated(version: number, current: AppliedVersion | undefined): boolean {
  return current !== undefined && (current.version > version || (current.deleted && current.version === version));
}
