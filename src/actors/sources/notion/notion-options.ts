import type { ConnectorConfig } from '../../../config/schema.ts';

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

/** Reads and checks the Notion metadata; throws naming the key that is wrong. */
export function notionOptionsOf(name: string, config: ConnectorConfig): NotionOptions {
  const m = config.metadata;
  const key = (k: string) => `connectors.${name}.metadata.${k}`;
  const ids = (k: string): string[] => {
    const value = m[k];
    if (value === undefined || value === null) return [];
    const list = typeof value === 'string' ? value.split(',') : value;
    if (!Array.isArray(list)) throw new Error(`${key(k)}: expected a list of Notion ids`);
    return list.map((id) => {
      const normal = normaliseNotionId(String(id));
      if (!normal) throw new Error(`${key(k)}: '${String(id)}' is not a Notion id (32 hex digits, dashes optional)`);
      return normal;
    });
  };
  const number = (k: string, fallback: number, { min = 0, max = Number.POSITIVE_INFINITY, above = false } = {}): number => {
    const value = m[k] === undefined ? fallback : Number(m[k]);
    if (!Number.isFinite(value) || value < min || value > max || (above && value === min)) {
      throw new Error(`${key(k)}: expected a number ${above ? 'above' : 'of at least'} ${min}${max < Number.POSITIVE_INFINITY ? ` and at most ${max}` : ''}`);
    }
    return value;
  };
  const apiUrl = m.api_url === undefined ? 'https://api.notion.com' : m.api_url;
  if (typeof apiUrl !== 'string' || !/^https?:\/\//.test(apiUrl)) throw new Error(`${key('api_url')}: expected an http(s) URL`);
  return {
    rootPageIds: ids('root_page_ids'),
    dataSourceIds: ids('data_source_ids'),
    overlapMs: number('overlap_minutes', 3) * 60_000,
    deletionCheckMs: number('deletion_check_hours', 24) * 3_600_000,
    maxDeletionShare: number('max_deletion_share', 0.2, { max: 1 }),
    apiUrl: apiUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
    requestsPerSecond: number('requests_per_second', 2.5, { above: true }),
    requestTimeoutMs: number('request_timeout_seconds', 30, { above: true }) * 1000,
    pageSize: number('page_size', 100, { min: 1, max: 100 }),
    token: config.token,
  };
}

/** The dashed lower-case form of a Notion id (`8e2c…` or `8e2c-…`), or null when it is not one. */
export function normaliseNotionId(id: string): string | null {
  const hex = id.trim().toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
