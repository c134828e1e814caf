import { createOptionsOf } from '../connector-options.ts';
import { type DeltaSyncOptions, deltaSyncOptionsOf } from '../delta-sync/delta-sync-options.ts';
import { httpSourceOptionsOf, type HttpSourceOptions } from '../http/http-source-options.ts';
import { confluenceMetadataSchema } from './confluence-metadata.ts';

/** Which Confluence the connector talks to: Cloud (REST v2 + CQL) or Data Center / Server (REST v1 + CQL). */
export type ConfluenceFlavor = 'cloud' | 'datacenter';

/** A Confluence connector's settings, from `connectors.<name>.metadata` and its token (CONFLUENCE_API_TOKEN on Cloud, CONFLUENCE_PAT on Data Center). */
export interface ConfluenceOptions extends DeltaSyncOptions, HttpSourceOptions {
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
  /** Pause before each request once the site says the limit is near (`metadata.near_limit_pause_ms`, default 1000 ms). */
  nearLimitPauseMs: number;
  /** Cloud: the Atlassian account e-mail (`metadata.email`, or CONFLUENCE_EMAIL); with it, basic auth, without it a bearer PAT. */
  email: string;
}

/**
 * The Confluence connector's options from its section (metadata checked by `confluenceMetadataSchema`: overlap 5 min,
 * page size 50, up to 250 on v2); throws a `ConfigError` naming a bad key.
 */
export const confluenceOptionsOf = createOptionsOf(
  confluenceMetadataSchema,
  (m, { token }): ConfluenceOptions => ({
    ...deltaSyncOptionsOf(m),
    ...httpSourceOptionsOf(m, token),
    baseUrl: m.base_url,
    cql: m.cql,
    includeBlogposts: m.include_blogposts,
    timeZone: m.time_zone,
    nearLimitPauseMs: m.near_limit_pause_ms,
    email: m.email,
    flavor: m.flavor ?? (new URL(m.base_url).hostname.endsWith('atlassian.net') ? 'cloud' : 'datacenter'),
    spaces: m.spaces ?? [],
  }),
);
