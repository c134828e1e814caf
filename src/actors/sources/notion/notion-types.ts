/** The parts of Notion API objects (version 2025-09-03) the connector reads; the SDK's full types are much wider. */

/** One rich-text run. */
export interface NotionRichText {
  type: 'text' | 'mention' | 'equation';
  plain_text: string;
  href: string | null;
  annotations?: { bold?: boolean; italic?: boolean; strikethrough?: boolean; code?: boolean };
  text?: { content: string; link: { url: string } | null };
  equation?: { expression: string };
}

/** Where a page, block or data source lives. */
export interface NotionParent {
  type: 'page_id' | 'data_source_id' | 'database_id' | 'block_id' | 'workspace';
  page_id?: string;
  data_source_id?: string;
  database_id?: string;
  block_id?: string;
}

/** A page as search, data source queries and `pages.retrieve` return it. */
export interface NotionPage {
  object: 'page';
  id: string;
  url: string;
  last_edited_time: string;
  parent: NotionParent;
  archived?: boolean;
  in_trash?: boolean;
  properties: Record<string, NotionProperty>;
}

/** One page property value; `type` names the field that holds it. */
export interface NotionProperty {
  id?: string;
  type: string;
  [field: string]: unknown;
}

/** A block; `type` names the field with its content. */
export interface NotionBlock {
  object: 'block';
  id: string;
  type: string;
  has_children: boolean;
  [field: string]: unknown;
}

/** A block with its children already fetched (all pages of them, recursively). */
export interface BlockNode {
  block: NotionBlock;
  children: BlockNode[];
}

/** A data source, as `dataSources.retrieve` returns it. */
export interface NotionDataSource {
  object: 'data_source';
  id: string;
  title?: NotionRichText[];
  parent?: NotionParent;
  database_parent?: NotionParent;
}

/** A database, as `databases.retrieve` returns it: since 2025-09-03 a container of data sources. */
export interface NotionDatabase {
  object: 'database';
  id: string;
  data_sources: { id: string; name?: string }[];
}

/** One page of a paginated listing. */
export interface NotionList<T> {
  results: T[];
  next_cursor: string | null;
  has_more: boolean;
}

/** True when the page is archived or in the trash (both spellings the API has used). */
export function isGone(page: { archived?: boolean; in_trash?: boolean; is_archived?: boolean }): boolean {
  return page.archived === true || page.in_trash === true || page.is_archived === true;
}
