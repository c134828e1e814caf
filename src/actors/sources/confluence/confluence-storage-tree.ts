import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { Parser } from 'htmlparser2';

/** A node of Confluence storage format: an element (HTML or `ac:`/`ri:` namespaced), text, or a CDATA section. */
export type XNode = XElement | { kind: 'text'; text: string } | { kind: 'cdata'; text: string };

/** An element with its attributes (names lower-cased, `ac:name` included) and children. */
export interface XElement {
  kind: 'element';
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
}

/**
 * Parses storage format into a tree with htmlparser2. HTML mode, not xmlMode: pages edited over the years hold
 * unclosed `<p>`, `<li>` and `<br>`, which HTML's implied-end rules close where an editor would; CDATA (the code
 * macro's body) and self-closing `ac:`/`ri:` elements are recognised explicitly, as XML has them. Entities are decoded
 * here with `entities` (every HTML5 named reference, numeric ones, legacy ones without `;`), never inside CDATA.
 * Comments and processing instructions are dropped. https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html
 */
export function parseStorage(source: string): XElement {
  const root: XElement = { kind: 'element', name: '#root', attrs: {}, children: [] };
  const stack: XElement[] = [root];
  const top = () => stack[stack.length - 1];
  let cdata = false;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const attrs: Record<string, string> = {};
        for (const [key, value] of Object.entries(attribs)) attrs[key] = decodeHTMLAttribute(value);
        const element: XElement = { kind: 'element', name, attrs, children: [] };
        top().children.push(element);
        stack.push(element);
      },
      onclosetag(name) {
        // htmlparser2 reports every close, implied ones included, in nesting order; the guard is for safety only.
        if (stack.length > 1 && top().name === name) stack.pop();
      },
      ontext(data) {
        const children = top().children;
        const last = children[children.length - 1];
        if (cdata) {
          if (last?.kind === 'cdata') last.text += data;
          return;
        }
        const text = decodeHTML(data);
        // htmlparser2 may hand over one run of text in pieces; one node keeps whitespace handling simple.
        if (last?.kind === 'text') last.text += text;
        else children.push({ kind: 'text', text });
      },
      oncdatastart() {
        cdata = true;
        top().children.push({ kind: 'cdata', text: '' });
      },
      oncdataend() {
        cdata = false;
      },
    },
    { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeCDATA: true, recognizeSelfClosing: true },
  );
  parser.write(source);
  parser.end();
  return root;
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
