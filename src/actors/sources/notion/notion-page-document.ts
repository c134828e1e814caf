import { createHash } from 'node:crypto';
import { collectAll } from '../paginate.ts';
import type { NotionApi } from './notion-api.ts';
import { blocksToMarkdown, type UnsupportedCounts } from './notion-blocks-to-markdown.ts';
import { propertyToText, titleOf } from './notion-rich-text.ts';
import type { BlockNode, NotionPage } from './notion-types.ts';
import { pageSlug } from '../page-slug.ts';

/** Blocks whose children are other documents (fetched on their own), not part of this page's text. */
const SEPARATE_DOCUMENTS = new Set(['child_page', 'child_database']);

/** A page rendered as one Markdown document. */
export interface PageDocument {
  title: string;
  markdown: string;
  /** sha256 of what the document would store: a page touched without a change hashes the same. */
  hash: string;
}

/** A block's children, every page of them, and their children recursively. */
export async function fetchBlockTree(api: NotionApi, blockId: string): Promise<BlockNode[]> {
  const blocks = await collectAll((cursor) => api.children(blockId, cursor));
  const nodes: BlockNode[] = [];
  for (const block of blocks) {
    const descend = block.has_children && !SEPARATE_DOCUMENTS.has(block.type);
    nodes.push({ block, children: descend ? await fetchBlockTree(api, block.id) : [] });
  }
  return nodes;
}

/** Fetches a page's blocks and renders title, properties (database rows) and body as Markdown. */
export async function pageDocument(api: NotionApi, page: NotionPage, parentId: string | undefined, unsupported: UnsupportedCounts): Promise<PageDocument> {
  const tree = await fetchBlockTree(api, page.id);
  const title = titleOf(page.properties);
  const markdown = renderPage(page, blocksToMarkdown(tree, unsupported));
  const hash = createHash('sha256').update(JSON.stringify([title, parentId ?? null, page.url, markdown])).digest('hex');
  return { title, markdown, hash };
}

/** The title as a heading, then (for database rows) one line per non-empty property, then the body. */
export function renderPage(page: NotionPage, body: string): string {
  const title = titleOf(page.properties);
  const isRow = page.parent.type === 'data_source_id' || page.parent.type === 'database_id';
  const properties = isRow
    ? Object.entries(page.properties)
        .filter(([, p]) => p.type !== 'title')
        .map(([name, p]) => [name, propertyToText(p)] as const)
        .filter(([, value]) => value !== '')
        .map(([name, value]) => `- **${name}:** ${value}`)
    : [];
  return `${[title ? `# ${title}` : '', properties.join('\n'), body].filter((s) => s !== '').join('\n\n')}\n`;
}

/** The page's path: its title's slug and its id without dashes, like Notion's own URLs. */
export function pagePath(title: string, pageId: string): string {
  return pageSlug(title, pageId.replace(/-/g, ''));
}
