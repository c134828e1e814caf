import { z } from 'zod';

/** What made inlet look at the source: a webhook delivery, a timed (or asked-for) poll, or a file watcher's notice. */
export const CHANGE_TRIGGERS = ['webhook', 'poll', 'watch'] as const;

/** One of `CHANGE_TRIGGERS`. */
export type ChangeTrigger = (typeof CHANGE_TRIGGERS)[number];

/** One change to one document, as it travels through the ingestion queue. */
export const ingestionEventSchema = z.object({
  /** Idempotency key: the same change always carries the same id, so it is queued once. */
  id: z.string().min(1),
  /** Name of the connector that found the change (a key of `connectors` in inlet.yaml). */
  source: z.string().min(1),
  /** `upsert` writes the document, `delete` removes it with its chunks and edges. */
  kind: z.enum(['upsert', 'delete']),
  /** Stable document id: the source name plus the native id or path; it survives content changes. */
  docId: z.string().min(1),
  /** Path of the document inside its source, used for link resolution and display. */
  path: z.string(),
  /** Web address of the document, when the source has one. */
  url: z.string().optional(),
  /** Markdown content; required for upserts, absent for deletes. */
  content: z.string().optional(),
  /** Title given by the source; the worker falls back to the first heading, then the file name. */
  title: z.string().optional(),
  /**
   * What the source says about the document beyond its title and address, kept with it in both stores and shown in
   * search results (Confluence: `space`, `version`, `content_type`). Flat: graph databases store no nested maps.
   */
  metadata: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** Document id of the parent page (Notion, Confluence hierarchies). */
  parentId: z.string().optional(),
  /** When the source last changed the document (ISO 8601). */
  updatedAt: z.string(),
  /**
   * When inlet saw the change (ISO 8601, ms): the arrival of the webhook delivery behind the poll that found it, the
   * watcher's first notice of the burst, or the moment a timed poll found it. Stamped by the poll actor, never part of
   * `id`. Optional, as events queued by an older version carry none: the freshness histograms then skip them.
   */
  seenAt: z.string().optional(),
  /** What made inlet find the change (`inlet_change_to_searchable_seconds{trigger}`); absent like `seenAt`. */
  trigger: z.enum(CHANGE_TRIGGERS).optional(),
});

/** One change to one document, as it travels through the ingestion queue. */
export type IngestionEvent = z.infer<typeof ingestionEventSchema>;

/** Source-specific fields of a document (`IngestionEvent.metadata`). */
export type DocumentMetadata = Record<string, string | number>;
