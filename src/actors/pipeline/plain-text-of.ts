import type { Nodes } from 'mdast';

/** The visible text of a Markdown node: text, inline code and image alt text, without marks; HTML and JSX dropped. */
export function plainTextOf(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? '';
  if ('children' in node) return (node.children as Nodes[]).map(plainTextOf).join('');
  return '';
}
