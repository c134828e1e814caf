import { z } from 'zod';
import { httpUrl, numberIn, stringList } from '../../../config/config-fields.ts';

/** The dashed lower-case form of a Notion id (`8e2c…` or `8e2c-…`), or null when it is not one. */
export function normaliseNotionId(id: string): string | null {
  const hex = id.trim().toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const notionIds = () =>
  stringList('expected a list of Notion ids', (id) => normaliseNotionId(id) ?? { problem: `'${id}' is not a Notion id (32 hex digits, dashes optional)` }).transform(
    (ids) => ids ?? [],
  );

/** `metadata` of a Notion connector (README, "Notion"). */
export const notionMetadataSchema = z.strictObject({
  /** Pages whose whole subtree is ingested. Default none (with no data sources either: the whole shared workspace). */
  root_page_ids: notionIds(),
  /** Data sources whose rows (and their subpages) are ingested. Default none. */
  data_source_ids: notionIds(),
  /** How far behind the newest edit seen the next delta starts, minutes. Default 3. */
  overlap_minutes: numberIn(3),
  /** How often the ids in scope are listed to find pages that vanished without an event, hours. Default 24. */
  deletion_check_hours: numberIn(24),
  /** Above this share (0 to 1) of known pages missing at once, the deletion check deletes nothing. Default 0.2. */
  max_deletion_share: numberIn(0.2, { max: 1 }),
  /** API root, with or without `/v1`. Default https://api.notion.com. */
  api_url: httpUrl('https://api.notion.com').transform((url) => url.replace(/\/v1$/, '')),
  /** Average request rate, per second, kept under Notion's 3. Default 2.5. */
  requests_per_second: numberIn(2.5, { above: true }),
  /** Per-request timeout, seconds. Default 30. */
  request_timeout_seconds: numberIn(30, { above: true }),
  /** Results per listing request, 1 to 100. Default 100 (Notion's maximum). */
  page_size: numberIn(100, { min: 1, max: 100 }),
});

/** A Notion connector's validated metadata. */
export type NotionMetadata = z.output<typeof notionMetadataSchema>;
