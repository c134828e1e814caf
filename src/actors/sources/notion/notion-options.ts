import { parseMetadata } from '../../../config/parse-metadata.ts';
import type { ConnectorConfig } from '../../../config/schema.ts';
import { notionMetadataSchema } from './notion-metadata.ts';

// The id check moved to the metadata schema; the poll and the webhook hints still normalise ids through it.
export { normaliseNotionId } from './notion-metadata.ts';

/** A Notion connector's settings, from `connectors.<name>.metadata` and its token. */
export interface NotionOptions {
  /** Pages whose whole subtree is ingested (`metadata.root_page_ids`); with no roots and no data sources, the whole workspace shared with the integration. */
  rootPageIds: string[];
  /** Data sources whose rows (and their subpages) are ingested (`metadata.data_source_ids`). */
  dataSourceIds: string[];
  /** How far behind the newest edit seen the next delta starts (`metadata.overlap_minutes`, default 3 min), in ms. */
  overlapMs: number;
  /** How often the ids in scope are listed to find pages that vanished without an event (`metadata.deletion_check_hours`, default 24 h), in ms. */
  deletionCheckMs: number;
  /** Above this share of known pages missing at once, the deletion check deletes nothing (`metadata.max_deletion_share`, default 0.2). */
  maxDeletionShare: number;
  /** API root without `/v1` (`metadata.api_url`, default https://api.notion.com). */
  apiUrl: string;
  /** Average request rate kept under Notion's 3 requests/s (`metadata.requests_per_second`, default 2.5). */
  requestsPerSecond: number;
  /** Per-request timeout in ms (`metadata.request_timeout_seconds`, default 30 s). */
  requestTimeoutMs: number;
  /** Results per listing request (`metadata.page_size`, default 100, Notion's maximum). */
  pageSize: number;
  /** NOTION_TOKEN (the integration's internal token). */
  token: string;
}

/** The Notion connector's options from its section (metadata checked by `notionMetadataSchema`); throws a `ConfigError` naming a bad key. */
export function notionOptionsOf(name: string, config: ConnectorConfig): NotionOptions {
  const m = parseMetadata(notionMetadataSchema, name, config.metadata);
  return {
    rootPageIds: m.root_page_ids,
    dataSourceIds: m.data_source_ids,
    overlapMs: m.overlap_minutes * 60_000,
    deletionCheckMs: m.deletion_check_hours * 3_600_000,
    maxDeletionShare: m.max_deletion_share,
    apiUrl: m.api_url,
    requestsPerSecond: m.requests_per_second,
    requestTimeoutMs: m.request_timeout_seconds * 1000,
    pageSize: m.page_size,
    token: config.token,
  };
}
