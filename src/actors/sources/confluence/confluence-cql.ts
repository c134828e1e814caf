import type { ConfluenceOptions } from './confluence-options.ts';

/**
 * Slack when the site's time zone is unknown: CQL reads `lastmodified >= "yyyy-MM-dd HH:mm"` in the API user's zone,
 * anywhere from UTC-12 to UTC+14. Writing the cursor in UTC and subtracting 12 h (the most western offset) plus 1 h
 * for a daylight-saving shift, rounded up to 15 h, makes the query start at or before the cursor in every zone.
 */
export const UNKNOWN_ZONE_SLACK_MS = 15 * 3_600_000;
/** Slack with a configured zone: the repeated hour when clocks go back is ambiguous, so read one hour more. */
export const KNOWN_ZONE_SLACK_MS = 3_600_000;

/** The instant the delta query must start at, for a cursor: earlier by the overlap and the time-zone slack. */
export function queryStartMs(sinceMs: number, options: Pick<ConfluenceOptions, 'overlapMs' | 'timeZone'>): number {
  return sinceMs - options.overlapMs - (options.timeZone ? KNOWN_ZONE_SLACK_MS : UNKNOWN_ZONE_SLACK_MS);
}

/** `yyyy-MM-dd HH:mm` of an instant in `timeZone` (UTC when undefined), rounded down to the minute. */
export function cqlDate(ms: number, timeZone: string | undefined): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: timeZone ?? 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** `space in ("A","B") and type in (page[,blogpost]) [and (<extra>)] and lastmodified >= "<date>" order by lastmodified asc`. */
export function deltaCql(options: ConfluenceOptions, sinceMs: number): string {
  const spaces = options.spaces.map((s) => `"${s.replace(/"/g, '\\"')}"`).join(',');
  const types = options.includeBlogposts ? 'page,blogpost' : 'page';
  const extra = options.cql ? ` and (${options.cql})` : '';
  const date = cqlDate(queryStartMs(sinceMs, options), options.timeZone);
  return `space in (${spaces}) and type in (${types})${extra} and lastmodified >= "${date}" order by lastmodified asc`;
}
