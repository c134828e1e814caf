/** Builders for the blocks a fake Notion page holds, shaped like the API's block objects (before ids are assigned). */

/** A block as a test writes it: the type, its content field, and nested blocks. */
export interface FakeBlockInput {
  type: string;
  /** The type-specific content, e.g. `{ rich_text: [...] }` for a paragraph. */
  data: Record<string, unknown>;
  children?: FakeBlockInput[];
}

/** One rich-text run, as the recorded responses spell them (annotations all off unless given). */
export function richText(content: string, options: { href?: string; bold?: boolean; italic?: boolean; code?: boolean; strikethrough?: boolean } = {}) {
  const { href = null, ...styles } = options;
  return {
    type: 'text',
    text: { content, link: href ? { url: href } : null },
    annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default', ...styles },
    plain_text: content,
    href,
  };
}

/** A page mention run: Notion gives its title as plain_text and the page link as href. */
export function mention(title: string, pageId: string) {
  return {
    type: 'mention',
    mention: { type: 'page', page: { id: pageId } },
    annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' },
    plain_text: title,
    href: `https://www.notion.so/${pageId.replace(/-/g, '')}`,
  };
}

type Runs = string | ReturnType<typeof richText | typeof mention>[];
const runs = (text: Runs) => (typeof text === 'string' ? [richText(text)] : text);
const textBlock = (type: string, extra: Record<string, unknown> = {}) => (text: Runs, children?: FakeBlockInput[]): FakeBlockInput => ({
  type,
  data: { rich_text: runs(text), color: 'default', ...extra },
  ...(children ? { children } : {}),
});

/** Block builders: `block.paragraph('text', [children])`, `block.heading(2, 'Title')`, `block.table([[...]])` … */
export const block = {
  paragraph: textBlock('paragraph'),
  heading: (level: 1 | 2 | 3, text: Runs, children?: FakeBlockInput[]) =>
    textBlock(`heading_${level}`, { is_toggleable: children !== undefined })(text, children),
  bulleted: textBlock('bulleted_list_item'),
  numbered: textBlock('numbered_list_item'),
  toDo: (text: Runs, checked: boolean, children?: FakeBlockInput[]) => textBlock('to_do', { checked })(text, children),
  toggle: textBlock('toggle'),
  quote: textBlock('quote'),
  callout: (text: Runs, emoji: string, children?: FakeBlockInput[]) => textBlock('callout', { icon: { type: 'emoji', emoji } })(text, children),
  code: (code: string, language: string): FakeBlockInput => ({ type: 'code', data: { rich_text: [richText(code)], caption: [], language } }),
  divider: (): FakeBlockInput => ({ type: 'divider', data: {} }),
  equation: (expression: string): FakeBlockInput => ({ type: 'equation', data: { expression } }),
  bookmark: (url: string, caption = ''): FakeBlockInput => ({ type: 'bookmark', data: { url, caption: caption ? [richText(caption)] : [] } }),
  image: (url: string, caption = ''): FakeBlockInput => ({ type: 'image', data: { type: 'external', external: { url }, caption: caption ? [richText(caption)] : [] } }),
  childPage: (title: string): FakeBlockInput => ({ type: 'child_page', data: { title } }),
  table: (rows: string[][], hasColumnHeader = true): FakeBlockInput => ({
    type: 'table',
    data: { table_width: rows[0]?.length ?? 0, has_column_header: hasColumnHeader, has_row_header: false },
    children: rows.map((cells) => ({ type: 'table_row', data: { cells: cells.map((c) => [richText(c)]) } })),
  }),
  columns: (...columns: FakeBlockInput[][]): FakeBlockInput => ({
    type: 'column_list',
    data: {},
    children: columns.map((children) => ({ type: 'column', data: {}, children })),
  }),
  /** A block type the converter has no Markdown for. */
  unsupported: (type = 'unsupported'): FakeBlockInput => ({ type, data: { block_type: type } }),
};
