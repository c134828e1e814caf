import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { mdxjs } from 'micromark-extension-mdxjs';

type SyntaxExtension = ReturnType<typeof gfm>;
type Construct = Exclude<NonNullable<SyntaxExtension['text']>[number], unknown[] | undefined>;

/**
 * GFM without the tokenizer's e-mail autolink construct, which micromark tries at every letter and digit of the
 * text: a third of the parse on a typical page. Bare e-mail addresses still become `mailto:` links, through
 * mdast-util-gfm's autolink transform, and `www.`/`https://` literals are untouched. Matched by the construct's name
 * in micromark-extension-gfm-autolink-literal 2.x; the parse-markdown tests pin the links it must still produce.
 */
function gfmWithoutEmailConstruct(): SyntaxExtension {
  const extension = gfm();
  const text: NonNullable<SyntaxExtension['text']> = {};
  for (const [code, constructs] of Object.entries(extension.text ?? {})) {
    const kept = [constructs].flat().filter((c): c is Construct => c !== undefined && c.name !== 'emailAutolink');
    if (kept.length > 0) text[Number(code)] = kept;
  }
  return { ...extension, text };
}

// Built once: each call of these factories allocates its construct tables anew.
const MARKDOWN = {
  extensions: [gfmWithoutEmailConstruct(), frontmatter()],
  mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown()],
};
const MDX = {
  extensions: [mdxjs(), ...MARKDOWN.extensions],
  mdastExtensions: [mdxFromMarkdown(), ...MARKDOWN.mdastExtensions],
};

/** Whether `path` names an MDX document, the only kind parsed with the MDX syntax. */
export function isMdxPath(path: string): boolean {
  return /\.mdx$/i.test(path);
}

/**
 * The syntax tree of a Markdown document: CommonMark with GFM (tables, task lists, autolink literals, strikethrough,
 * footnotes) and YAML front matter, plus JSX, expressions and ESM when `mdx` is set. MDX is stricter than Markdown (a
 * bare `<` or `{` is a syntax error), so a document that fails as MDX is read again as plain Markdown rather than lost.
 * Positions carry offsets into `text`.
 */
export function readMarkdownTree(text: string, options: { mdx: boolean }): Root {
  if (options.mdx) {
    try {
      return fromMarkdown(text, MDX);
    } catch {
      // An MDX syntax error (an unclosed `<br>`, an HTML comment, a stray brace): the prose is still worth indexing.
    }
  }
  return fromMarkdown(text, MARKDOWN);
}
