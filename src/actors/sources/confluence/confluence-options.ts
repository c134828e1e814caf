import { createOptionsOf } from '../connector-options.ts';
import { deltaSyncOptionsOf } from '../delta-sync/delta-sync-options.ts';
import { httpSourceOptionsOf } from '../http/http-source-options.ts';
import { type ConfluenceMetadata, confluenceMetadataSchema } from './confluence-metadata.ts';

/** Which Confluence the connector talks to: Cloud (REST v2 + CQL) or Data Center / Server (REST v1 + CQL). */
export type ConfluenceFlavor = NonNullable<ConfluenceMetadata['flavor']>;

/**
 * The Confluence connector's options from its section (metadata checked by `confluenceMetadataSchema`, which documents
 * each key: overlap 5 min, page size 50, up to 250 on v2) and its token (CONFLUENCE_API_TOKEN on Cloud, CONFLUENCE_PAT
 * on Data Center); throws a `ConfigError` naming a bad key.
 */
export const confluenceOptionsOf = createOptionsOf(confluenceMetadataSchema, {
  asGiven: ['base_url', 'cql', 'include_blogposts', 'time_zone', 'near_limit_pause_ms', 'email'],
  parts: [
    deltaSyncOptionsOf,
    httpSourceOptionsOf,
    (m) => ({
      // The default flavor follows base_url, another key, so the schema leaves it unset.
      flavor: m.flavor ?? (new URL(m.base_url).hostname.endsWith('atlassian.net') ? 'cloud' : 'datacenter'),
      // The schema refuses a missing or empty list; its output type still says optional.
      spaces: m.spaces ?? [],
    }),
  ],
});

/** A Confluence connector's settings. */
export type ConfluenceOptions = ReturnType<typeof confluenceOptionsOf>;
