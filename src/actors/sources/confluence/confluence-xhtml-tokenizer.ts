/** A node of Confluence storage format: an element (HTML or `ac:`/`ri:` namespaced), text, or a CDATA section. */
export type XNode = XElement | { kind: 'text'; text: string } | { kind: 'cdata'; text: string };

/** An element with its attributes (names as written, `ac:name` included) and children. */
export interface XElement {
  kind: 'element';
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
}

/** Elements that never have content, whether or not the source closes them. */
const VOID = new Set(['br', 'hr', 'img', 'col', 'meta', 'input', 'wbr']);

/** Elements whose start closes an open `<p>`, as in HTML, so an unclosed paragraph does not swallow the next block. */
const CLOSES_P = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'pre', 'blockquote', 'div', 'hr']);
/** Elements whose start closes an open sibling of the same kind (`<li>a<li>b`). */
const SIBLINGS: Record<string, string[]> = { li: ['li'], tr: ['tr'], td: ['td', 'th'], th: ['td', 'th'] };

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014', hellip: '\u2026',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', copy: '\u00a9', reg: '\u00ae', trade: '\u2122',
  bull: '\u2022', middot: '\u00b7', rarr: '\u2192', larr: '\u2190', times: '\u00d7', euro: '\u20ac', deg: '\u00b0',
};

/** Replaces character references (`&amp;`, `&#39;`, `&#x2014;`, the common named ones); unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/y;
const ATTR = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

/**
 * Parses storage-format XHTML into a tree, tolerantly: an unmatched closing tag is ignored, unclosed elements end with
 * their parent, a stray `<` is text, comments and processing instructions are dropped, CDATA is kept verbatim.
 * Written here rather than adding an HTML parser dependency: storage format is well-formed XHTML in practice.
 */
export function parseStorage(source: string): XElement {
  const root: XElement = { kind: 'element', name: '#root', attrs: {}, children: [] };
  const stack: XElement[] = [root];
  const top = () => stack[stack.length - 1]!;
  let i = 0;
  const text = (t: string) => {
    if (t !== '') top().children.push({ kind: 'text', text: decodeEntities(t) });
  };
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    if (lt < 0) {
      text(source.slice(i));
      break;
    }
    text(source.slice(i, lt));
    if (source.startsWith('<![CDATA[', lt)) {
      const end = source.indexOf(']]>', lt + 9);
      const stop = end < 0 ? source.length : end;
      top().children.push({ kind: 'cdata', text: source.slice(lt + 9, stop) });
      i = end < 0 ? source.length : end + 3;
      continue;
    }
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      i = end < 0 ? source.length : end + 3;
      continue;
    }
    if (source.startsWith('<!', lt) || source.startsWith('<?', lt)) {
      const end = source.indexOf('>', lt);
      i = end < 0 ? source.length : end + 1;
      continue;
    }
    TAG.lastIndex = lt;
    const match = TAG.exec(source);
    if (!match) {
      text('<');
      i = lt + 1;
      continue;
    }
    i = TAG.lastIndex;
    const [, closing, rawName, rawAttrs, selfClosing] = match;
    const name = rawName!.toLowerCase();
    if (closing) {
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at > 0) stack.length = at;
      continue;
    }
    if (CLOSES_P.has(name) && top().name === 'p') stack.pop();
    if (SIBLINGS[name]?.includes(top().name)) stack.pop();
    const element: XElement = { kind: 'element', name, attrs: attributes(rawAttrs ?? ''), children: [] };
    top().children.push(element);
    if (!selfClosing && !VOID.has(name)) stack.push(element);
  }
  return root;
}

function attributes(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of raw.matchAll(ATTR)) attrs[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return attrs;
}

/** The first child element named `name` (optionally with `ac:name` = `acName`). */
export function childNamed(el: XElement, name: string, acName?: string): XElement | undefined {
  return el.children.find((c): c is XElement => c.kind === 'element' && c.name === name && (acName === undefined || c.attrs['ac:name'] === acName));
}

/** All the text under a node, CDATA included, as written. */
export function textOf(node: XNode): string {
  if (node.kind !== 'element') return node.text;
  return node.children.map(textOf).join('');
}
