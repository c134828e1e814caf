import { createOptionsOf } from '../connector-options.ts';
import { type DeltaSyncOptions, deltaSyncOptionsOf } from '../delta-sync/delta-sync-options.ts';
import { httpSourceOptionsOf, type HttpSourceOptions } from '../http/http-source-options.ts';
import { notionMetadataSchema } from './notion-metadata.ts';

// The id check moved to the metadata schema; the poll and the webhook hints still normalise ids through it.
export { normaliseNotionId } from './notion-metadata.ts';

/** A Notion connector's settings, from `connectors.<name>.metadata` and its token (NOTION_TOKEN, the integration's internal token). */
export interface NotionOptions extends DeltaSyncOptions, HttpSourceOptions {
  /** Pages whose whole subtree is ingested (`metadata.root_page_ids`); with no roots and no data sources, the whole workspace shared with the integration. */
  rootPageIds: string[];
  /** Data sources whose rows (and their subpages) are ingested (`metadata.data_source_ids`). */
  dataSourceIds: string[];
  /** API root without `/v1` (`metadata.api_url`, default https://api.notion.com). */
  apiUrl: string;
  /** Average request rate kept under Notion's 3 requests/s (`metadata.requests_per_second`, default 2.5). */
  requestsPerSecond: number;
}

/**
 * The Notion connector's options from its section (metadata checked by `notionMetadataSchema`: overlap 3 min, page
 * size 100, Notion's maximum); throws a `ConfigError` naming a bad key.
 */
export const notionOptionsOf = createOptionsOf(
  notionMetadataSchema,
  (m, { token }): NotionOptions => ({
    ...deltaSyncOptionsOf(m),
    ...httpSourceOptionsOf(m, token),
    rootPageIds: m.root_page_ids,
    dataSourceIds: m.data_source_ids,
    apiUrl: m.api_url,
    requestsPerSecond: m.requests_per_second,
  }),
);
