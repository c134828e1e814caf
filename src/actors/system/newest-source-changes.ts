import type { CommitNotice } from '../worker/commit-notices.ts';

/**
 * The newest source change time (an upsert's `updatedAt`) that this process's workers committed, per connector: the
 * freshness lag of health and `inlet_freshness_lag_seconds` is now minus it (issue 14). Deletes are left out, as most
 * sources stamp them with inlet's clock (local, git), not a time of their own. Per process: in Redis mode, where any
 * instance's workers may commit any connector's events, each instance knows only what its own workers committed.
 */
export class NewestSourceChanges {
  private readonly newest = new Map<string, number>();

  /** Notes the upserts of one commit; the commit notice listener. */
  readonly note = (notice: CommitNotice): void => {
    for (const event of notice.events) {
      if (event.kind !== 'upsert') continue;
      const at = Date.parse(event.updatedAt);
      if (Number.isFinite(at) && at > (this.newest.get(event.source) ?? Number.NEGATIVE_INFINITY)) this.newest.set(event.source, at);
    }
  };

  /** Seconds from the connector's newest committed change to `now` (epoch ms); null before its first commit here. */
  lagSecondsOf(connector: string, now: number): number | null {
    const at = this.newest.get(connector);
    // A source clock ahead of ours would give a negative lag: none is a truer figure.
    return at === undefined ? null : Math.max(0, now - at) / 1000;
  }
}
