import type { BlockObjectResponse, DatabaseObjectResponse, DataSourceObjectResponse, PageObjectResponse, RichTextItemResponse } from '@notionhq/client';

/** The Notion objects the connector reads, as @notionhq/client types them for API version 2025-09-03. */

/** One rich-text run. */
export type NotionRichText = RichTextItemResponse;

/** A full page, as search, data source queries and `pages.retrieve` return it. */
export type NotionPage = PageObjectResponse;

/** Where a page or block lives. */
export type NotionParent = PageObjectResponse['parent'] | DataSourceObjectResponse['parent'] | DataSourceObjectResponse['database_parent'];

/** One page property value; `type` names the field that holds it. */
export type NotionProperty = PageObjectResponse['properties'][string];

/** A full block; `type` names the field with its content. */
export type NotionBlock = BlockObjectResponse;

/** A block with its children already fetched (all pages of them, recursively). */
export interface BlockNode {
  block: NotionBlock;
  children: BlockNode[];
}

/** A data source, as `dataSources.retrieve` returns it. */
export type NotionDataSource = DataSourceObjectResponse;

/** A database, as `databases.retrieve` returns it: since 2025-09-03 a container of data sources. */
export type NotionDatabase = DatabaseObjectResponse;

/** True when the page is archived or in the trash (every spelling the API has used). */
export function isGone(page: { archived?: boolean; in_trash?: boolean; is_archived?: boolean }): boolean {
  return page.archived === true || page.in_trash === true || page.is_archived === true;
}
