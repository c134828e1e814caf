/** What every delta-synced source (Notion, Confluence) is configured with; the kinds' options extend it. */
export interface DeltaSyncOptions {
  /** How far behind the newest change seen the next delta starts (`metadata.overlap_minutes`), in ms. */
  overlapMs: number;
  /** How often the documents in scope are listed to find silent deletions (`metadata.deletion_check_hours`, default 24 h), in ms. */
  deletionCheckMs: number;
  /** Above this share of known pages missing at once, the deletion check deletes nothing (`metadata.max_deletion_share`, default 0.2). */
  maxDeletionShare: number;
  /** Results per listing request (`metadata.page_size`; the default and the maximum are the source's). */
  pageSize: number;
}

/** The delta-sync keys of a kind's validated metadata. */
export interface DeltaSyncMetadata {
  overlap_minutes: number;
  deletion_check_hours: number;
  max_deletion_share: number;
  page_size: number;
}

/** The delta-sync options from a kind's validated metadata. */
export function deltaSyncOptionsOf(m: DeltaSyncMetadata): DeltaSyncOptions {
  return {
    overlapMs: m.overlap_minutes * 60_000,
    deletionCheckMs: m.deletion_check_hours * 3_600_000,
    maxDeletionShare: m.max_deletion_share,
    pageSize: m.page_size,
  };
}
