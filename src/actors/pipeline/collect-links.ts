import { Parser } from 'htmlparser2';
import type { Nodes, Root } from 'mdast';

/**
 * Link targets of a Markdown tree as written, in document order: inline links, autolinks (`<https://…>` and GFM's
 * bare `www.…`), reference definitions (which every `[text][ref]` resolves to), `<a href>` in raw HTML and an `href`
 * on any JSX element in MDX (`<Link href>`). Images are not links; code never holds any.
 */
export function collectLinks(tree: Root): string[] {
  const links: string[] = [];
  const visit = (node: Nodes): void => {
    switch (node.type) {
      case 'link':
      case 'definition':
        links.push(node.url);
        break;
      case 'html':
        links.push(...htmlHrefs(node.value));
        break;
      case 'mdxJsxFlowElement':
      case 'mdxJsxTextElement':
        for (const attribute of node.attributes) {
          if (attribute.type === 'mdxJsxAttribute' && attribute.name === 'href' && typeof attribute.value === 'string') links.push(attribute.value);
        }
        break;
    }
    if ('children' in node) for (const child of node.children as Nodes[]) visit(child);
  };
  visit(tree);
  return links.map((l) => l.trim()).filter((l) => l !== '');
}

/** `href` of every `<a>` in an HTML fragment; an inline `<a href="x">` arrives as its own fragment, apart from `</a>`. */
function htmlHrefs(html: string): string[] {
  if (!/<a[\s>]/i.test(html)) return [];
  const hrefs: string[] = [];
  const parser = new Parser({
    onopentag(name, attributes) {
      if (name === 'a' && attributes.href !== undefined) hrefs.push(attributes.href);
    },
  });
  parser.write(html);
  parser.end();
  return hrefs;
}
