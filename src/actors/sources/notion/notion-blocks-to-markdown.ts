import { plainText, richTextToMarkdown } from './notion-rich-text.ts';
import type { BlockNode, NotionRichText } from './notion-types.ts';

/** Blocks skipped because they have no Markdown form here, by block type (for health). */
export type UnsupportedCounts = Record<string, number>;

/** Blocks that carry no text of their own: rendered as their children, or as nothing. */
const CONTAINERS = new Set(['synced_block', 'column_list', 'column']);
const NO_CONTENT = new Set(['table_of_contents', 'breadcrumb']);

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
  const inner = () => blocksToMarkdown(children, unsupported);
  const after = (head: string) => [head, inner()].filter((s) => s !== '').join('\n\n');
  switch (block.type) {
    case 'paragraph':
      return after(richTextToMarkdown(block.paragraph.rich_text));
    case 'heading_1':
      return after(heading(1, block.heading_1.rich_text));
    case 'heading_2':
      return after(heading(2, block.heading_2.rich_text));
    case 'heading_3':
      return after(heading(3, block.heading_3.rich_text));
    case 'heading_4':
      return after(heading(4, block.heading_4.rich_text));
    case 'bulleted_list_item':
      return listItem('- ', richTextToMarkdown(block.bulleted_list_item.rich_text), inner());
    case 'toggle':
      return listItem('- ', richTextToMarkdown(block.toggle.rich_text), inner());
    case 'numbered_list_item':
      return listItem(`${number}. `, richTextToMarkdown(block.numbered_list_item.rich_text), inner());
    case 'to_do':
      return listItem(block.to_do.checked ? '- [x] ' : '- [ ] ', richTextToMarkdown(block.to_do.rich_text), inner());
    case 'quote':
      return quoted(after(richTextToMarkdown(block.quote.rich_text)));
    case 'callout': {
      const text = richTextToMarkdown(block.callout.rich_text);
      const icon = block.callout.icon?.type === 'emoji' ? block.callout.icon.emoji : undefined;
      return quoted(after(icon ? `${icon} ${text}` : text));
    }
    case 'code': {
      const language = String(block.code.language ?? '').replace(/^plain text$/, '');
      const caption = plainText(block.code.caption);
      return `\`\`\`${language}\n${plainText(block.code.rich_text)}\n\`\`\`${caption ? `\n\n${caption}` : ''}`;
    }
    case 'equation':
      return `$$\n${block.equation.expression ?? ''}\n$$`;
    case 'divider':
      return '---';
    case 'table':
      return table(children, block.table.has_column_header === true);
    case 'bookmark':
      return link(block.bookmark.url, block.bookmark.caption);
    case 'embed':
      return link(block.embed.url, block.embed.caption);
    case 'link_preview':
      return link(block.link_preview.url, []);
    case 'child_page':
      return `[${block.child_page.title || 'Untitled'}](${notionUrl(block.id)})`;
    case 'child_database':
      return `[${block.child_database.title || 'Untitled'}](${notionUrl(block.id)})`;
    case 'link_to_page': {
      const to = block.link_to_page;
      const target = to.type === 'page_id' ? to.page_id : to.type === 'database_id' ? to.database_id : '';
      return target ? `[${target}](${notionUrl(target)})` : '';
    }
    case 'image':
      return media('image', block.image);
    case 'video':
      return media('video', block.video);
    case 'file':
      return media('file', block.file);
    case 'pdf':
      return media('pdf', block.pdf);
    case 'audio':
      return media('audio', block.audio);
    default:
      if (CONTAINERS.has(block.type)) return inner();
      if (NO_CONTENT.has(block.type)) return '';
      unsupported[block.type] = (unsupported[block.type] ?? 0) + 1;
      return '';
  }
}

function heading(level: number, runs: NotionRichText[]): string {
  return `${'#'.repeat(level)} ${richTextToMarkdown(runs)}`.trimEnd();
}

function link(url: string, caption: NotionRichText[]): string {
  const text = richTextToMarkdown(caption);
  return url ? `[${text || url}](${url})` : text;
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
    .map((r) => (r.block.type === 'table_row' ? r.block.table_row.cells : []).map((c) => richTextToMarkdown(c).replace(/\|/g, '\\|').replace(/\n/g, ' ')));
  if (cells.length === 0) return '';
  const width = Math.max(...cells.map((r) => r.length));
  const line = (row: string[]) => `| ${Array.from({ length: width }, (_, i) => row[i] ?? '').join(' | ')} |`;
  // GFM needs a header row; a table without one gets an empty header so no data row is promoted.
  const head = header ? cells[0]! : [];
  const body = header ? cells.slice(1) : cells;
  return [line(head), `| ${Array.from({ length: width }, () => '---').join(' | ')} |`, ...body.map(line)].join('\n');
}

/** A media block's content: a URL (external, or a Notion-hosted file), a caption, and for files a name. */
interface MediaContent {
  caption: NotionRichText[];
  name?: string;
  external?: { url: string };
  file?: { url: string };
}

function media(type: string, content: MediaContent): string {
  const source = content.external ?? content.file;
  const caption = richTextToMarkdown(content.caption);
  const label = caption || content.name || type;
  return source?.url ? `[${label}](${source.url})` : caption;
}

/** The web address of a Notion page or block by id. */
export function notionUrl(id: string): string {
  return `https://www.notion.so/${id.replace(/-/g, '')}`;
}
