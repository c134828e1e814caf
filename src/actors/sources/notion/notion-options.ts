import { createOptionsOf } from '../connector-options.ts';
import { deltaSyncOptionsOf } from '../delta-sync/delta-sync-options.ts';
import { httpSourceOptionsOf } from '../http/http-source-options.ts';
import { notionMetadataSchema } from './notion-metadata.ts';

// The id check moved to the metadata schema; the poll and the webhook hints still normalise ids through it.
export { normaliseNotionId } from './notion-metadata.ts';

/**
 * The Notion connector's options from its section (metadata checked by `notionMetadataSchema`, which documents each
 * key: overlap 3 min, page size 100, Notion's maximum) and its token (NOTION_TOKEN); throws a `ConfigError` naming a bad key.
 */
export const notionOptionsOf = createOptionsOf(notionMetadataSchema, {
  asGiven: ['root_page_ids', 'data_source_ids', 'api_url', 'requests_per_second'],
  parts: [deltaSyncOptionsOf, httpSourceOptionsOf],
});

/** A Notion connector's settings. */
export type NotionOptions = ReturnType<typeof notionOptionsOf>;
