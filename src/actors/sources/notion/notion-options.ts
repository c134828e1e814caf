import { camelCasedPick, type CamelCasedPick, createOptionsOf } from '../connector-options.ts';
import { type DeltaSyncOptions, deltaSyncOptionsOf } from '../delta-sync/delta-sync-options.ts';
import { httpSourceOptionsOf, type HttpSourceOptions } from '../http/http-source-options.ts';
import { type NotionMetadata, notionMetadataSchema } from './notion-metadata.ts';

// The id check moved to the metadata schema; the poll and the webhook hints still normalise ids through it.
export { normaliseNotionId } from './notion-metadata.ts';

/** The metadata keys Notion's options take as they are, camelCased (`notionMetadataSchema` documents each). */
const AS_GIVEN = ['root_page_ids', 'data_source_ids', 'api_url', 'requests_per_second'] as const;

/** A Notion connector's settings, from `connectors.<name>.metadata` and its token (NOTION_TOKEN, the integration's internal token). */
export type NotionOptions = DeltaSyncOptions & HttpSourceOptions & CamelCasedPick<NotionMetadata, (typeof AS_GIVEN)[number]>;

/**
 * The Notion connector's options from its section (metadata checked by `notionMetadataSchema`: overlap 3 min, page
 * size 100, Notion's maximum); throws a `ConfigError` naming a bad key.
 */
export const notionOptionsOf = createOptionsOf(
  notionMetadataSchema,
  (m, { token }): NotionOptions => ({ ...deltaSyncOptionsOf(m), ...httpSourceOptionsOf(m, token), ...camelCasedPick(m, AS_GIVEN) }),
);
