import { parseMetadata } from '../../../config/parse-metadata.ts';
import type { ConnectorConfig } from '../../../config/schema.ts';
import { confluenceMetadataSchema } from './confluence-metadata.ts';

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

/** The Confluence connector's options from its section (metadata checked by `confluenceMetadataSchema`); throws a `ConfigError` naming a bad key. */
export function confluenceOptionsOf(name: string, config: ConnectorConfig): ConfluenceOptions {
  const m = parseMetadata(confluenceMetadataSchema, name, config.metadata);
  return {
    baseUrl: m.base_url,
    flavor: m.flavor ?? (new URL(m.base_url).hostname.endsWith('atlassian.net') ? 'cloud' : 'datacenter'),
    spaces: m.spaces ?? [],
    cql: m.cql,
    includeBlogposts: m.include_blogposts,
    timeZone: m.time_zone,
    overlapMs: m.overlap_minutes * 60_000,
    deletionCheckMs: m.deletion_check_hours * 3_600_000,
    maxDeletionShare: m.max_deletion_share,
    pageSize: m.page_size,
    requestTimeoutMs: m.request_timeout_seconds * 1000,
    nearLimitPauseMs: m.near_limit_pause_ms,
    email: m.email,
    token: config.token,
  };
}
