/** What a periodic deletion check decided. */
export interface DeletionJudgement {
  /** Known documents not listed in scope any more. */
  missing: string[];
  /** True when too many are missing at once to trust the listing: nothing is deleted. */
  tripped: boolean;
  /** For health: `ok`, or `tripped: N of M pages missing`. */
  report: string;
}

/**
 * The mass-deletion guard of the Notion and Confluence connectors: compares the documents known to be ingested with
 * those listed now. More than `maxShare` of them missing at once looks like lost sharing or permissions, or a listing
 * outage, rather than deletions, so the check then deletes nothing and health says why.
 */
export function judgeDeletions(known: string[], listed: ReadonlySet<string>, maxShare: number): DeletionJudgement {
  const missing = known.filter((id) => !listed.has(id));
  const tripped = known.length > 0 && missing.length / known.length > maxShare;
  return { missing, tripped, report: tripped ? `tripped: ${missing.length} of ${known.length} pages missing` : 'ok' };
}
