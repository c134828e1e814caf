import type { Nodes, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { mdxjs } from 'micromark-extension-mdxjs';
import { collectLinks } from './collect-links.ts';
import type { MarkdownBlock, MarkdownOutline } from './markdown-outline.ts';
import { plainTextOf } from './plain-text-of.ts';

// Built once: each call of these factories allocates its construct tables anew.
const MDX = {
  extensions: [mdxjs(), gfm(), frontmatter()],
  mdastExtensions: [mdxFromMarkdown(), gfmFromMarkdown(), frontmatterFromMarkdown()],
};

/** mdast node types that are phrasing content: a node holding these is prose, not a container of blocks. */
const PHRASING = new Set([
  'text', 'emphasis', 'strong', 'delete', 'inlineCode', 'link', 'linkReference', 'image', 'imageReference', 'break', 'html',
  'footnoteReference', 'mdxJsxTextElement', 'mdxTextExpression',
]);

/**
 * The outline of an MDX document (CommonMark, GFM, YAML front matter, JSX, expressions and ESM), read with
 * mdast-util-from-markdown: markdown-it has no MDX. Null when the text is not valid MDX, which is stricter than
 * Markdown (a bare `<` or `{`, an HTML comment or an unclosed `<br>` is a syntax error): the caller reads it as
 * Markdown instead.
 */
export function readMdx(source: string): MarkdownOutline | null {
  let tree: Root;
  try {
    tree = fromMarkdown(source, MDX);
  } catch {
    return null;
  }
  const first = tree.children[0];
  let frontMatter: MarkdownOutline['frontMatter'] = null;
  if (first?.type === 'yaml') {
    const end = first.position?.end.offset ?? 0;
    frontMatter = { yaml: first.value, bodyStart: end + (/^\r?\n/.exec(source.slice(end, end + 2))?.[0].length ?? 0) };
  }
  const blocks = tree.children.filter((node) => node.type !== 'yaml' && node.type !== 'mdxjsEsm').map(blockOf);
  return { blocks, links: collectLinks(tree), frontMatter };
}

function blockOf(node: RootContent): MarkdownBlock {
  const start = node.position?.start.offset ?? 0;
  const end = node.position?.end.offset ?? start;
  if (node.type === 'heading') return { kind: 'heading', depth: node.depth, text: plainTextOf(node), start, end };
  if (node.type === 'table' || node.type === 'code') return { kind: node.type, start, end };
  const children = 'children' in node ? (node.children as Nodes[]) : [];
  if (children.length > 0 && children.every((c) => !PHRASING.has(c.type))) {
    return { kind: 'container', children: (children as RootContent[]).map(blockOf), start, end };
  }
  return { kind: 'prose', start, end };
}
