import { plainText, richTextToMarkdown } from './notion-rich-text.ts';
import type { BlockNode, NotionRichText } from './notion-types.ts';

/** Blocks skipped because they have no Markdown form here, by block type (for health). */
export type UnsupportedCounts = Record<string, number>;

/** Blocks that carry no text of their own: rendered as their children, or as nothing. */
const CONTAINERS = new Set(['synced_block', 'column_list', 'column']);
const NO_CONTENT = new Set(['table_of_contents', 'breadcrumb']);
const MEDIA = new Set(['image', 'video', 'file', 'pdf', 'audio']);

/**
 * Converts a page's block tree to Markdown: headings, paragraphs, bulleted, numbered and to-do lists (nested by
 * indentation), code, quotes, callouts, toggles, tables, equations, dividers, and links, bookmarks, media and
 * child pages as link text. Other block types are skipped and counted in `unsupported`, never fatal.
 */
export function blocksToMarkdown(nodes: BlockNode[], unsupported: UnsupportedCounts = {}): string {
  const parts: { text: string; listItem: boolean }[] = [];
  let number = 0;
  for (const node of nodes) {
    number = node.block.type === 'numbered_list_item' ? number + 1 : 0;
    const text = blockToMarkdown(node, number, unsupported);
    if (text !== '') parts.push({ text, listItem: isListItem(node.block.type) });
  }
  // Consecutive list items form one tight list; everything else is separated by a blank line.
  return parts.map((p, i) => (i === 0 ? '' : p.listItem && parts[i - 1]!.listItem ? '\n' : '\n\n') + p.text).join('');
}

function isListItem(type: string): boolean {
  return type === 'bulleted_list_item' || type === 'numbered_list_item' || type === 'to_do' || type === 'toggle';
}

function blockToMarkdown(node: BlockNode, number: number, unsupported: UnsupportedCounts): string {
  const { block, children } = node;
  const data = (block[block.type] ?? {}) as Record<string, unknown>;
  const text = richTextToMarkdown(data.rich_text as NotionRichText[] | undefined);
  const inner = () => blocksToMarkdown(children, unsupported);
  const after = (head: string) => [head, inner()].filter((s) => s !== '').join('\n\n');
  switch (block.type) {
    case 'paragraph':
      return after(text);
    case 'heading_1':
    case 'heading_2':
    case 'heading_3':
    case 'heading_4':
      return after(`${'#'.repeat(Number(block.type.slice(-1)))} ${text}`.trimEnd());
    case 'bulleted_list_item':
    case 'toggle':
      return listItem('- ', text, inner());
    case 'numbered_list_item':
      return listItem(`${number}. `, text, inner());
    case 'to_do':
      return listItem(data.checked ? '- [x] ' : '- [ ] ', text, inner());
    case 'quote':
      return quoted(after(text));
    case 'callout': {
      const icon = (data.icon as { type?: string; emoji?: string } | null)?.emoji;
      return quoted(after(icon ? `${icon} ${text}` : text));
    }
    case 'code': {
      const language = String(data.language ?? '').replace(/^plain text$/, '');
      const caption = plainText(data.caption as NotionRichText[] | undefined);
      return `\`\`\`${language}\n${plainText(data.rich_text as NotionRichText[])}\n\`\`\`${caption ? `\n\n${caption}` : ''}`;
    }
    case 'equation':
      return `$$\n${String(data.expression ?? '')}\n$$`;
    case 'divider':
      return '---';
    case 'table':
      return table(children, data.has_column_header === true);
    case 'bookmark':
    case 'embed':
    case 'link_preview': {
      const url = String(data.url ?? '');
      const caption = richTextToMarkdown(data.caption as NotionRichText[] | undefined);
      return url ? `[${caption || url}](${url})` : caption;
    }
    case 'child_page':
    case 'child_database':
      return `[${String(data.title ?? '') || 'Untitled'}](${notionUrl(block.id)})`;
    case 'link_to_page': {
      const target = String(data.page_id ?? data.database_id ?? data.data_source_id ?? '');
      return target ? `[${target}](${notionUrl(target)})` : '';
    }
    default:
      if (CONTAINERS.has(block.type)) return inner();
      if (NO_CONTENT.has(block.type)) return '';
      if (MEDIA.has(block.type)) return media(block.type, data);
      unsupported[block.type] = (unsupported[block.type] ?? 0) + 1;
      return '';
  }
}

/** A list item with its nested blocks indented to the item's content column (CommonMark). */
function listItem(marker: string, text: string, nested: string): string {
  const indent = ' '.repeat(marker.length);
  return nested === '' ? `${marker}${text}` : `${marker}${text}\n${nested.replace(/^(?=.)/gm, indent)}`;
}

function quoted(text: string): string {
  return text.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');
}

function table(rows: BlockNode[], header: boolean): string {
  const cells = rows
    .filter((r) => r.block.type === 'table_row')
    .map((r) => ((r.block.table_row as { cells?: NotionRichText[][] }).cells ?? []).map((c) => richTextToMarkdown(c).replace(/\|/g, '\\|').replace(/\n/g, ' ')));
  if (cells.length === 0) return '';
  const width = Math.max(...cells.map((r) => r.length));
  const line = (row: string[]) => `| ${Array.from({ length: width }, (_, i) => row[i] ?? '').join(' | ')} |`;
  // GFM needs a header row; a table without one gets an empty header so no data row is promoted.
  const head = header ? cells[0]! : [];
  const body = header ? cells.slice(1) : cells;
  return [line(head), `| ${Array.from({ length: width }, () => '---').join(' | ')} |`, ...body.map(line)].join('\n');
}

function media(type: string, data: Record<string, unknown>): string {
  const source = (data.external ?? data.file) as { url?: string } | undefined;
  const caption = richTextToMarkdown(data.caption as NotionRichText[] | undefined);
  const label = caption || String(data.name ?? '') || type;
  return source?.url ? `[${label}](${source.url})` : caption;
}

/** The web address of a Notion page or block by id. */
export function notionUrl(id: string): string {
  return `https://www.notion.so/${id.replace(/-/g, '')}`;
}
