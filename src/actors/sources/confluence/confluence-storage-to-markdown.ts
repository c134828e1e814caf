import { childNamed, parseStorage, textOf, type XElement, type XNode } from './confluence-storage-tree.ts';

/** Elements that start a block of their own; everything else is inline. */
const BLOCK = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'pre', 'blockquote', 'hr', 'div', 'ac:structured-macro', 'ac:macro',
  'ac:task-list', 'ac:layout', 'ac:layout-section', 'ac:layout-cell', 'section', 'tbody', 'thead',
]);
/** Stands for `<br/>` until whitespace is collapsed (a private-use character, never in real text). */
const BREAK = '\uE000';
/** Macros shown as a quoted block with their title and body. */
const PANELS = new Set(['info', 'note', 'warning', 'tip', 'panel', 'expand', 'excerpt']);
/** Macros whose body is literal text. */
const LITERAL = new Set(['code', 'noformat']);

/**
 * Converts Confluence storage format (XHTML with `ac:` macros) to Markdown: headings, paragraphs, nested lists, task
 * lists, tables, links (page links as their title), the code and noformat macros as fenced code, info/note/warning/tip/
 * panel/expand macros as block quotes with their title, status and jira macros as their label or key, and any other
 * macro as the text of its body. Parsed with htmlparser2 (see `parseStorage`), so every HTML5 entity decodes.
 * https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html
 */
export function storageToMarkdown(storage: string): string {
  return blocks(parseStorage(storage).children).join('\n\n');
}

/** Renders nodes as Markdown blocks; runs of inline nodes become one paragraph. */
function blocks(nodes: XNode[]): string[] {
  const out: string[] = [];
  let run: XNode[] = [];
  const flush = () => {
    const text = inline(run).trim();
    if (text !== '') out.push(text);
    run = [];
  };
  for (const node of nodes) {
    if (node.kind === 'element' && BLOCK.has(node.name)) {
      flush();
      const block = blockOf(node);
      if (block !== '') out.push(block);
    } else run.push(node);
  }
  flush();
  return out;
}

function blockOf(el: XElement): string {
  const name = el.name;
  if (/^h[1-6]$/.test(name)) return `${'#'.repeat(Number(name[1]))} ${inline(el.children).trim()}`;
  switch (name) {
    case 'p':
      return inline(el.children).trim();
    case 'ul':
    case 'ol':
      return list(el, name === 'ol');
    case 'ac:task-list':
      return taskList(el);
    case 'table':
      return table(el);
    case 'pre':
      return fence(textOf(el), '');
    case 'blockquote':
      return quoted(blocks(el.children).join('\n\n'));
    case 'hr':
      return '---';
    case 'ac:structured-macro':
    case 'ac:macro':
      return macro(el);
    default:
      return blocks(el.children).join('\n\n');
  }
}

function macro(el: XElement): string {
  const name = el.attrs['ac:name'] ?? '';
  const param = (p: string) => {
    const found = childNamed(el, 'ac:parameter', p);
    return found ? textOf(found).trim() : '';
  };
  const plain = childNamed(el, 'ac:plain-text-body');
  const rich = childNamed(el, 'ac:rich-text-body');
  if (LITERAL.has(name)) return fence(plain ? textOf(plain) : rich ? textOf(rich) : '', name === 'code' ? param('language') : '');
  if (PANELS.has(name)) {
    const title = param('title');
    const body = rich ? blocks(rich.children).join('\n\n') : plain ? textOf(plain).trim() : '';
    const label = name === 'panel' || name === 'expand' || name === 'excerpt' ? '' : `${name[0]!.toUpperCase()}${name.slice(1)}`;
    const head = [label, title].filter((s) => s !== '').join(': ');
    return quoted([head ? `**${head}**` : '', body].filter((s) => s !== '').join('\n\n'));
  }
  // The lozenge's label and the issue key are what a reader sees of these two.
  if (name === 'status') return param('title');
  if (name === 'jira') return param('key');
  // Unknown macros (toc, children, …) keep the text of their body, never their parameters.
  if (rich) return blocks(rich.children).join('\n\n');
  if (plain) return textOf(plain).trim();
  return '';
}

/** Inline Markdown of nodes: emphasis, code, links, line breaks; whitespace collapsed as HTML does. */
function inline(nodes: XNode[]): string {
  return nodes.map(inlineOf).join('').replace(/[ \t\r\n]+/g, ' ').replace(/ ?\uE000 ?/g, '\n');
}

function inlineOf(node: XNode): string {
  if (node.kind === 'text') return node.text.replace(/\u00a0/g, ' ');
  if (node.kind === 'cdata') return node.text;
  const inner = () => inline(node.children);
  const wrap = (mark: string) => {
    const text = inner().trim();
    return text === '' ? '' : `${mark}${text}${mark}`;
  };
  switch (node.name) {
    case 'strong':
    case 'b':
      return wrap('**');
    case 'em':
    case 'i':
      return wrap('*');
    case 's':
    case 'del':
      return wrap('~~');
    case 'code':
      return `\`${textOf(node)}\``;
    case 'br':
      return BREAK;
    case 'a': {
      const text = inner().trim();
      const href = node.attrs.href ?? '';
      return href === '' ? text : `[${text || href}](${href})`;
    }
    case 'ac:link':
      return linkText(node);
    case 'ac:emoticon':
      // Cloud stores the emoji itself as the fallback; older pages only a name (`:smile:`), not worth indexing.
      return /^:.*:$/.test(node.attrs['ac:emoji-fallback'] ?? '') ? '' : (node.attrs['ac:emoji-fallback'] ?? '');
    case 'ac:image':
    case 'ac:parameter':
    case 'ac:placeholder':
      return '';
    case 'ac:structured-macro':
    case 'ac:macro':
      return macro(node).replace(/\n+/g, ' ');
    default:
      return inner();
  }
}

/**
 * An `ac:link` as its text: the link body, else the page title, attachment name, space key or user; a link to a URL
 * (`ri:url`) stays a Markdown link.
 */
function linkText(el: XElement): string {
  const body = childNamed(el, 'ac:link-body') ?? childNamed(el, 'ac:plain-text-link-body');
  const target = el.children.find((c): c is XElement => c.kind === 'element' && c.name.startsWith('ri:'));
  const a = target?.attrs ?? {};
  const label = body ? inline(body.children).trim() || textOf(body).trim() : '';
  if (target?.name === 'ri:url' && a['ri:value']) return `[${label || a['ri:value']}](${a['ri:value']})`;
  if (label) return label;
  return a['ri:content-title'] ?? a['ri:filename'] ?? a['ri:space-key'] ?? a['ri:username'] ?? a['ri:userkey'] ?? a['ri:account-id'] ?? a['ri:value'] ?? '';
}

function list(el: XElement, ordered: boolean): string {
  const items = el.children.filter((c): c is XElement => c.kind === 'element' && c.name === 'li');
  return items.map((li, i) => item(ordered ? `${i + 1}. ` : '- ', blocks(li.children))).join('\n');
}

function taskList(el: XElement): string {
  const tasks = el.children.filter((c): c is XElement => c.kind === 'element' && c.name === 'ac:task');
  return tasks
    .map((task) => {
      const done = textOf(childNamed(task, 'ac:task-status') ?? { kind: 'text', text: '' }).trim() === 'complete';
      const body = childNamed(task, 'ac:task-body');
      return item(done ? '- [x] ' : '- [ ] ', body ? blocks(body.children) : []);
    })
    .join('\n');
}

/** A list item: its first block after the marker, the rest (nested lists too) indented to the content column. */
function item(marker: string, parts: string[]): string {
  const indent = ' '.repeat(marker.length);
  const [first = '', ...rest] = parts;
  const nested = rest.map((p) => p.replace(/^(?=.)/gm, indent)).join('\n');
  return nested === '' ? `${marker}${first}` : `${marker}${first}\n${nested}`;
}

function table(el: XElement): string {
  const rows: XElement[] = [];
  const collect = (node: XElement) => {
    for (const c of node.children) if (c.kind === 'element') c.name === 'tr' ? rows.push(c) : collect(c);
  };
  collect(el);
  const cellsOf = (tr: XElement) => tr.children.filter((c): c is XElement => c.kind === 'element' && (c.name === 'td' || c.name === 'th'));
  const cells = rows.map((tr) => cellsOf(tr).map((c) => blocks(c.children).join(' ').replace(/\n+/g, ' ').replace(/\|/g, '\\|')));
  if (cells.length === 0) return '';
  const width = Math.max(...cells.map((r) => r.length));
  const line = (row: string[]) => `| ${Array.from({ length: width }, (_, i) => row[i] ?? '').join(' | ')} |`;
  // GFM needs a header row: a first row of <th> is it, otherwise an empty one so no data row is promoted.
  const header = cellsOf(rows[0]!).every((c) => c.name === 'th');
  const head = header ? cells[0]! : [];
  const body = header ? cells.slice(1) : cells;
  return [line(head), `| ${Array.from({ length: width }, () => '---').join(' | ')} |`, ...body.map(line)].join('\n');
}

function fence(code: string, language: string): string {
  const text = code.replace(/^\n+|\s+$/g, '');
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${language}\n${text}\n${ticks}`;
}

function quoted(text: string): string {
  return text.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');
}
