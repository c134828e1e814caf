import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { MarkdownBlock } from './markdown-outline.ts';
import { readMarkdown } from './read-markdown.ts';
import { readMdx } from './read-mdx.ts';

/** A heading, ATX (`## Text`) or setext (underlined): its level (1 to 6) and its plain text. */
export interface Heading {
  depth: number;
  text: string;
}

/** What the pipeline needs from one Markdown document. */
export interface ParsedMarkdown {
  /** Front-matter `title`, else the first level-1 heading, else the file name without extension. */
  title: string;
  /** Every heading of the document outside code, quotes and lists, in order. */
  headings: Heading[];
  /** Link targets as written, images excluded (see `MarkdownOutline.links`). */
  links: string[];
  /** The content without its front matter. */
  body: string;
  /** The top-level blocks, whose offsets index `source`; chunking reuses them instead of parsing again. */
  blocks: MarkdownBlock[];
  /** The text the blocks were read from: the content without a byte-order mark. */
  source: string;
}

/** Whether `path` names an MDX document, the only kind parsed with the MDX syntax. */
export function isMdxPath(path: string): boolean {
  return /\.mdx$/i.test(path);
}

/**
 * Reads title, headings and link targets from Markdown, or from MDX when `path` ends in `.mdx`; `path` supplies the
 * fallback title. Markdown is read with markdown-it; MDX, which markdown-it cannot read, with mdast, and as Markdown
 * when it is not valid MDX, since the prose is still worth indexing.
 */
export function parseMarkdown(content: string, path: string): ParsedMarkdown {
  // Editors on Windows save a byte-order mark, which would hide the front matter's opening `---`.
  const source = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const { blocks, links, frontMatter } = (isMdxPath(path) && readMdx(source)) || readMarkdown(source);
  const body = frontMatter ? source.slice(frontMatter.bodyStart) : source;
  const headings: Heading[] = [];
  for (const block of blocks) if (block.kind === 'heading') headings.push({ depth: block.depth, text: block.text.trim() });
  const title =
    (frontMatter && frontMatterTitle(frontMatter.yaml)) ||
    headings.find((h) => h.depth === 1 && h.text !== '')?.text ||
    fileTitle(path);
  return { title, headings, links, body, blocks, source };
}

function frontMatterTitle(text: string): string | null {
  try {
    const data: unknown = parseYaml(text);
    if (data && typeof data === 'object' && 'title' in data) {
      const title = (data as { title: unknown }).title;
      if ((typeof title === 'string' || typeof title === 'number') && String(title).trim()) return String(title).trim();
    }
  } catch {
    // Broken front matter is the author's problem, not a reason to drop the document: fall back to the heading.
  }
  return null;
}

function fileTitle(path: string): string {
  const base = posix.basename(path.replaceAll('\\', '/'));
  const ext = posix.extname(base);
  return ext && ext !== base ? base.slice(0, -ext.length) : base;
}
