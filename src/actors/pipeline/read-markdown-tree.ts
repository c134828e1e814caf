import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { mdxjs } from 'micromark-extension-mdxjs';

/** Whether `path` names an MDX document, the only kind parsed with the MDX syntax. */
export function isMdxPath(path: string): boolean {
  return /\.mdx$/i.test(path);
}

/**
 * The syntax tree of a Markdown document: CommonMark with GFM (tables, task lists, autolink literals, strikethrough,
 * footnotes) and YAML front matter, plus JSX, expressions and ESM when `mdx` is set. MDX is stricter than Markdown (a bare
 * `<` or `{` is a syntax error), so a document that fails as MDX is read again as plain Markdown rather than lost.
 * Positions carry offsets into `text`.
 */
export function readMarkdownTree(text: string, options: { mdx: boolean }): Root {
  if (options.mdx) {
    try {
      return fromMarkdown(text, {
        extensions: [mdxjs(), gfm(), frontmatter()],
        mdastExtensions: [mdxFromMarkdown(), gfmFromMarkdown(), frontmatterFromMarkdown()],
      });
    } catch {
      // An MDX syntax error (an unclosed `<br>`, an HTML comment, a stray brace): the prose is still worth indexing.
    }
  }
  return fromMarkdown(text, {
    extensions: [gfm(), frontmatter()],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown()],
  });
}
