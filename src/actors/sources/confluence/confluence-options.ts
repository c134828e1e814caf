import type { ConnectorConfig } from '../../../config/schema.ts';

/** Which Confluence the connector talks to: Cloud (REST v2 + CQL) or Data Center / Server (REST v1 + CQL). */
export type ConfluenceFlavor = 'cloud' | 'datacenter';

/** A Confluence connector's settings, from `connectors.<name>.metadata` and its credentials. */
export interface ConfluenceOptions {
  /** Site root without a trailing slash (`metadata.base_url`): `https://<site>.atlassian.net/wiki` or the Data Center URL. */
  baseUrl: string;
  /** `metadata.flavor`; default `cloud` when the host ends in atlassian.net, else `datacenter`. */
  flavor: ConfluenceFlavor;
  /** Space keys whose pages are ingested (`metadata.spaces`, required). */
  spaces: string[];
  /** Extra CQL ANDed to every delta query (`metadata.cql`, optional), e.g. `label = "public"`. */
  cql: string;
  /** Ingest blog posts too (`metadata.include_blogposts`, default false). */
  includeBlogposts: boolean;
  /** IANA zone CQL dates are read in (`metadata.time_zone`, optional): the API user's profile zone. Unknown: a 15 h window. */
  timeZone: string | undefined;
  /** How far behind the newest modification seen the next delta starts (`metadata.overlap_minutes`, default 5 min), in ms. */
  overlapMs: number;
  /** How often each space's page ids are listed to find silent deletions (`metadata.deletion_check_hours`, default 24 h), in ms. */
  deletionCheckMs: number;
  /** Above this share of known pages missing at once, the deletion check deletes nothing (`metadata.max_deletion_share`, default 0.2). */
  maxDeletionShare: number;
  /** Results per listing request (`metadata.page_size`, default 50; v2 allows up to 250). */
  pageSize: number;
  /** Per-request timeout in ms (`metadata.request_timeout_seconds`, default 30 s). */
  requestTimeoutMs: number;
  /** Pause before each request once the site says the limit is near (`metadata.near_limit_pause_ms`, default 1000 ms). */
  nearLimitPauseMs: number;
  /** Cloud: the Atlassian account e-mail (`metadata.email`, or CONFLUENCE_EMAIL); with it, basic auth, without it a bearer PAT. */
  email: string;
  /** CONFLUENCE_API_TOKEN (Cloud) or CONFLUENCE_PAT (Data Center). */
  token: string;
}

/** Reads and checks the Confluence metadata; throws naming the key that is missing or wrong. */
export function confluenceOptionsOf(name: string, config: ConnectorConfig): ConfluenceOptions {
  const m = config.metadata;
  const key = (k: string) => `connectors.${name}.metadata.${k}`;
  const number = (k: string, fallback: number, { min = 0, max = Number.POSITIVE_INFINITY } = {}): number => {
    const value = m[k] === undefined ? fallback : Number(m[k]);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`${key(k)}: expected a number from ${min}${max < Number.POSITIVE_INFINITY ? ` to ${max}` : ''}`);
    }
    return value;
  };
  const baseUrl = m.base_url;
  if (typeof baseUrl !== 'string' || !/^https?:\/\/[^/]+/.test(baseUrl)) {
    throw new Error(`${key('base_url')}: required, the site's URL (https://<site>.atlassian.net/wiki or the Data Center URL)`);
  }
  const host = new URL(baseUrl).hostname;
  const flavor = m.flavor ?? (host.endsWith('atlassian.net') ? 'cloud' : 'datacenter');
  if (flavor !== 'cloud' && flavor !== 'datacenter') throw new Error(`${key('flavor')}: expected 'cloud' or 'datacenter'`);
  const spacesValue = typeof m.spaces === 'string' ? m.spaces.split(',') : m.spaces;
  if (!Array.isArray(spacesValue) || spacesValue.length === 0) throw new Error(`${key('spaces')}: required, a list of space keys`);
  const spaces = spacesValue.map((s) => String(s).trim());
  for (const space of spaces) if (!/^~?[A-Za-z0-9_-]+$/.test(space)) throw new Error(`${key('spaces')}: '${space}' is not a space key`);
  const timeZone = m.time_zone === undefined || m.time_zone === '' ? undefined : String(m.time_zone);
  if (timeZone !== undefined && !isTimeZone(timeZone)) throw new Error(`${key('time_zone')}: '${timeZone}' is not an IANA time zone`);
  const cql = m.cql === undefined || m.cql === null ? '' : m.cql;
  if (typeof cql !== 'string') throw new Error(`${key('cql')}: expected a CQL expression`);
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    flavor,
    spaces,
    cql: cql.trim(),
    includeBlogposts: m.include_blogposts === true || m.include_blogposts === 'true',
    timeZone,
    overlapMs: number('overlap_minutes', 5) * 60_000,
    deletionCheckMs: number('deletion_check_hours', 24) * 3_600_000,
    maxDeletionShare: number('max_deletion_share', 0.2, { max: 1 }),
    pageSize: number('page_size', 50, { min: 1, max: 250 }),
    requestTimeoutMs: number('request_timeout_seconds', 30, { min: 0.001 }) * 1000,
    nearLimitPauseMs: number('near_limit_pause_ms', 1000),
    email: typeof m.email === 'string' ? m.email : '',
    token: config.token,
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
