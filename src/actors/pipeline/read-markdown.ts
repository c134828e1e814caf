import MarkdownIt, { type Env, type Token } from 'markdown-it';
import frontMatterPlugin from 'markdown-it-front-matter';
import { htmlHrefs } from './html-hrefs.ts';
import type { MarkdownBlock, MarkdownOutline } from './markdown-outline.ts';

/**
 * markdown-it with CommonMark, GFM tables and strikethrough, raw HTML, and bare URLs, `www.` addresses and e-mail
 * addresses linked as GFM links them. Link targets are kept as written, as mdast keeps them: the default
 * percent-encoding, punycode and scheme filter exist to render safe HTML, and would turn `<with space.md>` into
 * `with%20space.md` before link resolution sees it.
 */
function createReader(withFrontMatter: boolean) {
  const md = new MarkdownIt({ html: true, linkify: true });
  if (withFrontMatter) md.use(frontMatterPlugin, () => {});
  md.normalizeLink = (url) => url;
  md.validateLink = () => true;
  // GFM links `www.` addresses without a scheme; linkify-it's fuzzy mode, off by default, would also link every
  // `README.md` in prose (`.md` is a country's domain). The tail is checked as linkify-it checks `//www.…` links.
  md.linkify.add('www.', {
    validate: (text, pos, self) => {
      const tail = /^\S*/.exec(text.slice(pos))?.[0] ?? '';
      return Math.max(0, self.testSchemaAt(`//www.${tail}`, '//', 2) - 'www.'.length);
    },
    normalize: (match) => {
      match.url = `http://${match.url}`;
    },
  });
  return md;
}

// Built once: a reader compiles its rule chains on first use.
const READER = createReader(true);
/** For a document opening with `---` that never closes it: the plugin would take the whole text as front matter. */
const READER_WITHOUT_FRONT_MATTER = createReader(false);

/** A front matter fence closed by `---` or `...`, as the plugin accepts it. */
const CLOSING_FENCE = /^(-{3,}|\.{3})[ \t]*$/;

/**
 * The outline of a Markdown document (CommonMark with GFM tables, YAML front matter), read with markdown-it, about
 * 30 times faster than micromark on a typical 5 KB page. Block positions come from each token's source lines.
 */
export function readMarkdown(source: string): MarkdownOutline {
  const lineStarts = lineStartsOf(source);
  const offsetOfLine = (line: number) => (line < lineStarts.length ? lineStarts[line] : source.length);
  const env: Env = {};
  let tokens = READER.parse(source, env);
  let frontMatter: MarkdownOutline['frontMatter'] = null;
  const first = tokens[0];
  if (first?.type === 'front_matter' && first.map) {
    const closing = source.slice(offsetOfLine(first.map[1] - 1), offsetOfLine(first.map[1])).trimEnd();
    // The plugin's token carries the YAML in `meta`, which markdown-it's own types declare as a record.
    const yaml: unknown = first.meta;
    if (first.map[1] > 1 && CLOSING_FENCE.test(closing)) frontMatter = { yaml: typeof yaml === 'string' ? yaml : '', bodyStart: offsetOfLine(first.map[1]) };
    else tokens = READER_WITHOUT_FRONT_MATTER.parse(source, env);
  }

  const links: string[] = [];
  const top: MarkdownBlock[] = [];
  // Open block tokens whose close is pending, with the blocks read inside them so far.
  const open: { token: Token; children: MarkdownBlock[] }[] = [];
  const add = (block: MarkdownBlock) => (open.length > 0 ? open[open.length - 1].children : top).push(block);
  let headingText = '';
  for (const token of tokens) {
    if (token.type === 'inline') {
      collectInlineLinks(token.children ?? [], links);
      // Only a heading's own text is kept; a table cell's or a paragraph's is read from the source when chunked.
      if (open[open.length - 1]?.token.type === 'heading_open') headingText = plainTextOf(token.children ?? []);
      continue;
    }
    if (token.nesting === 1) {
      open.push({ token, children: [] });
      continue;
    }
    if (token.nesting === -1) {
      const closed = open.pop();
      if (closed?.token.map) add(blockOf(closed.token, closed.children, headingText, offsetOfLine, source));
      continue;
    }
    if (token.type === 'html_block') links.push(...htmlHrefs(token.content));
    if (token.type !== 'front_matter' && token.map) add(blockOf(token, [], '', offsetOfLine, source));
  }

  const definitions = Object.entries(env.references ?? {})
    // `[^1]: …` is a GFM footnote, not a link, though markdown-it without the footnote plugin reads it as a definition.
    .filter(([label]) => !label.startsWith('^'))
    .map(([, reference]) => reference.href);
  // markdown-it resolves `[text][ref]` to the definition's target and keeps no trace of the reference; the
  // definition lists that target already, in its place among the definitions as mdast lists it.
  const defined = new Set(definitions);
  const all = [...links.filter((l) => !defined.has(l)), ...definitions];
  return { blocks: withGapsAsProse(top, source, frontMatter?.bodyStart ?? 0), links: all.map((l) => l.trim()).filter((l) => l !== ''), frontMatter };
}

/**
 * The top-level blocks with any text between them made prose blocks: reference definitions (`[pp]: https://…`) leave
 * no token, and a chunk without them leaves its `[text][pp]` links dangling for the reader.
 */
function withGapsAsProse(blocks: MarkdownBlock[], source: string, from: number): MarkdownBlock[] {
  const out: MarkdownBlock[] = [];
  let cursor = from;
  const gapTo = (end: number) => {
    if (end > cursor && /\S/.test(source.slice(cursor, end))) out.push({ kind: 'prose', start: cursor, end });
  };
  for (const block of blocks) {
    gapTo(block.start);
    out.push(block);
    cursor = Math.max(cursor, block.end);
  }
  gapTo(source.length);
  return out;
}

/** The block a token (an open token once its close is read, or a self-contained one) stands for. */
function blockOf(token: Token, children: MarkdownBlock[], headingText: string, offsetOfLine: (line: number) => number, source: string): MarkdownBlock {
  const [startLine, endLine] = token.map as [number, number];
  let start = offsetOfLine(startLine);
  const end = offsetOfLine(endLine);
  switch (token.type) {
    case 'heading_open':
      return { kind: 'heading', depth: Number(token.tag.slice(1)), text: headingText, start, end };
    case 'table_open':
      return { kind: 'table', start, end };
    case 'fence': {
      // A fence opened on a list item's or quote's first line starts after the marker, so a cut piece reopens it.
      const at = source.indexOf(token.markup, start);
      if (at >= 0 && at < end) start = at;
      return { kind: 'code', start, end };
    }
    case 'code_block':
      return { kind: 'code', start, end };
    case 'paragraph_open':
      return { kind: 'prose', start, end };
    default:
      // Lists, items and quotes hold blocks; an empty one (`-` alone) is prose like any leaf (a rule, raw HTML).
      return children.length > 0 ? { kind: 'container', children, start, end } : { kind: 'prose', start, end };
  }
}

/** Targets of the links and the `<a href>` tags among an inline token's children, images excluded. */
function collectInlineLinks(children: Token[], links: string[]): void {
  for (const child of children) {
    if (child.type === 'link_open') links.push(String(child.attrGet('href') ?? ''));
    else if (child.type === 'html_inline') links.push(...htmlHrefs(child.content));
  }
}

/** The visible text of inline tokens: text, code spans and image alt text, without marks; HTML dropped. */
function plainTextOf(children: Token[]): string {
  let text = '';
  for (const child of children) {
    if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += '\n';
    else if (child.type === 'image') text += plainTextOf(child.children ?? []);
  }
  return text;
}

/** The offset where each line starts, lines broken as markdown-it breaks them: at `\r\n`, `\r` or `\n`. */
function lineStartsOf(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code === 10) starts.push(i + 1);
    else if (code === 13) {
      if (source.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}
