import { posix } from 'node:path';
import type { Root } from 'mdast';
import { parse as parseYaml } from 'yaml';
import { collectLinks } from './collect-links.ts';
import { plainTextOf } from './plain-text-of.ts';
import { isMdxPath, readMarkdownTree } from './read-markdown-tree.ts';

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
  /** Link targets as written (see `collectLinks`), images excluded, in order of appearance. */
  links: string[];
  /** The content without its front matter. */
  body: string;
  /** The syntax tree, whose position offsets index `source`; chunking reuses it instead of parsing again. */
  tree: Root;
  /** The text the tree was read from: the content without a byte-order mark. */
  source: string;
}

/** Reads title, headings and link targets from Markdown (MDX when `path` ends in `.mdx`); `path` supplies the fallback title. */
export function parseMarkdown(content: string, path: string): ParsedMarkdown {
  // Editors on Windows save a byte-order mark, which would hide the front matter's opening `---`.
  const source = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const tree = readMarkdownTree(source, { mdx: isMdxPath(path) });
  const first = tree.children[0];
  const frontMatter = first?.type === 'yaml' ? first : undefined;
  const body = frontMatter ? source.slice(frontMatter.position?.end.offset ?? 0).replace(/^\r?\n/, '') : source;
  const headings: Heading[] = [];
  for (const node of tree.children) if (node.type === 'heading') headings.push({ depth: node.depth, text: plainTextOf(node).trim() });
  const title =
    (frontMatter && frontMatterTitle(frontMatter.value)) ||
    headings.find((h) => h.depth === 1 && h.text !== '')?.text ||
    fileTitle(path);
  return { title, headings, links: collectLinks(tree), body, tree, source };
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
