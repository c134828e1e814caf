/** The parts of a CQL query the fake understands: the spaces, content types, and the `lastmodified >=` bound. */
export interface FakeCql {
  spaces: string[];
  types: string[];
  /** The bound as an instant (ms), read in the site's time zone as Confluence does; null without one. */
  modifiedFrom: number | null;
}

/**
 * Parses `space in ("A","B") and type in (page,blogpost) and lastmodified >= "yyyy-MM-dd HH:mm" order by ...`. The date
 * is wall-clock time in `siteZone` (Confluence reads CQL dates in the user's time zone), converted to an instant.
 */
export function parseFakeCql(cql: string, siteZone: string): FakeCql {
  const list = (field: string) => {
    const inList = new RegExp(`${field}\\s+in\\s*\\(([^)]*)\\)`, 'i').exec(cql)?.[1];
    const single = new RegExp(`${field}\\s*=\\s*("[^"]*"|[\\w~-]+)`, 'i').exec(cql)?.[1];
    return (inList ?? single ?? '').split(',').map((s) => s.trim().replace(/^"|"$/g, '')).filter((s) => s !== '');
  };
  const date = /lastmodified\s*>=\s*"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})"/i.exec(cql);
  const modifiedFrom = date ? wallTimeToInstant(date.slice(1).map(Number) as [number, number, number, number, number], siteZone) : null;
  return { spaces: list('space'), types: list('type'), modifiedFrom };
}

/** The instant at which clocks in `zone` show this wall time (the later one when it happens twice). */
export function wallTimeToInstant([y, mo, d, h, mi]: [number, number, number, number, number], zone: string): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const offset = (at: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(new Date(at))
        .map((x) => [x.type, Number(x.value)]),
    );
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - at;
  };
  const offsets = new Set([offset(asUtc - 86_400_000), offset(asUtc), offset(asUtc + 86_400_000)]);
  const valid = [...offsets].map((o) => asUtc - o).filter((at) => asUtc - offset(at) === at);
  // Twice-shown wall times (clocks going back) take the later instant: the worst case for a `>=` bound.
  return valid.length > 0 ? Math.max(...valid) : asUtc - offset(asUtc - 86_400_000);
}
