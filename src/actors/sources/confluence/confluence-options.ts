import { type CamelCasedFilled, camelCasedPick, type CamelCasedPick, createOptionsOf } from '../connector-options.ts';
import { type DeltaSyncOptions, deltaSyncOptionsOf } from '../delta-sync/delta-sync-options.ts';
import { httpSourceOptionsOf, type HttpSourceOptions } from '../http/http-source-options.ts';
import { type ConfluenceMetadata, confluenceMetadataSchema } from './confluence-metadata.ts';

/** Which Confluence the connector talks to: Cloud (REST v2 + CQL) or Data Center / Server (REST v1 + CQL). */
export type ConfluenceFlavor = NonNullable<ConfluenceMetadata['flavor']>;

/** The metadata keys Confluence's options take as they are, camelCased (`confluenceMetadataSchema` documents each). */
const AS_GIVEN = ['base_url', 'cql', 'include_blogposts', 'time_zone', 'near_limit_pause_ms', 'email'] as const;

/** A Confluence connector's settings, from `connectors.<name>.metadata` and its token (CONFLUENCE_API_TOKEN on Cloud, CONFLUENCE_PAT on Data Center). */
export type ConfluenceOptions = DeltaSyncOptions &
  HttpSourceOptions &
  CamelCasedPick<ConfluenceMetadata, (typeof AS_GIVEN)[number]> &
  CamelCasedFilled<ConfluenceMetadata, 'flavor' | 'spaces'>;

/**
 * The Confluence connector's options from its section (metadata checked by `confluenceMetadataSchema`: overlap 5 min,
 * page size 50, up to 250 on v2); throws a `ConfigError` naming a bad key.
 */
export const confluenceOptionsOf = createOptionsOf(
  confluenceMetadataSchema,
  (m, { token }): ConfluenceOptions => ({
    ...deltaSyncOptionsOf(m),
    ...httpSourceOptionsOf(m, token),
    ...camelCasedPick(m, AS_GIVEN),
    // The default flavor follows base_url, another key, so the schema leaves it unset.
    flavor: m.flavor ?? (new URL(m.base_url).hostname.endsWith('atlassian.net') ? 'cloud' : 'datacenter'),
    // The schema refuses a missing or empty list; its output type still says optional.
    spaces: m.spaces ?? [],
  }),
);
