import type { Nodes, Root } from 'mdast';
import { htmlHrefs } from './html-hrefs.ts';

/**
 * Link targets of an mdast tree, as `MarkdownOutline.links` lists them: inline links, autolinks (`<https://…>` and
 * GFM's bare `www.…` and e-mail literals), `<a href>` in raw HTML and an `href` on any JSX element in MDX
 * (`<Link href>`) in document order, then reference definitions (which every `[text][ref]` resolves to). Images are not
 * links; code never holds any.
 */
export function collectLinks(tree: Root): string[] {
  const links: string[] = [];
  const definitions: string[] = [];
  const visit = (node: Nodes): void => {
    switch (node.type) {
      case 'link':
        links.push(node.url);
        break;
      case 'definition':
        definitions.push(node.url);
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
  return [...links, ...definitions].map((l) => l.trim()).filter((l) => l !== '');
}
