import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { classifyLines } from './classify-lines.ts';
import { type Heading, parseHeading } from './parse-heading.ts';

/** What the pipeline needs from one Markdown document. */
export interface ParsedMarkdown {
  /** Front-matter `title`, else the first `# ` heading, else the file name without extension. */
  title: string;
  /** Every ATX heading outside code fences, in order. */
  headings: Heading[];
  /** Link targets as written (inline and reference definitions), images excluded, in order of appearance. */
  links: string[];
  /** The content without its front matter. */
  body: string;
}

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
// `[label](target "title")`; the label may hold one level of brackets so `[![badge](x.svg)](target)` keeps the outer link.
const INLINE_LINK =
  /(!?)\[(?:[^[\]]|\[[^[\]]*\])*\]\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[(?!\^)[^\]]+\]:\s*(<[^>\n]*>|\S+)/;
const CODE_SPAN = /(`+)[^`]*?\1/g;

/** Reads title, headings and link targets from Markdown; `path` supplies the fallback title. */
export function parseMarkdown(content: string, path: string): ParsedMarkdown {
  // Editors on Windows save a byte-order mark, which would hide the front matter's opening `---`.
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const frontMatter = FRONT_MATTER.exec(text);
  const body = frontMatter ? text.slice(frontMatter[0].length) : text;
  const headings: Heading[] = [];
  const links: string[] = [];
  for (const line of classifyLines(body)) {
    if (line.fenced) continue;
    const heading = parseHeading(line.text);
    if (heading) headings.push(heading);
    const definition = REFERENCE_DEFINITION.exec(line.text);
    if (definition) {
      links.push(unwrap(definition[1]));
      continue;
    }
    if (!line.text.includes('](')) continue;
    for (const match of line.text.replace(CODE_SPAN, '').matchAll(INLINE_LINK)) {
      if (match[1] !== '!') links.push(unwrap(match[2]));
    }
  }
  const title =
    (frontMatter && frontMatterTitle(frontMatter[1])) ||
    headings.find((h) => h.depth === 1 && h.text !== '')?.text ||
    fileTitle(path);
  return { title, headings, links: links.filter((l) => l !== ''), body };
}

function unwrap(target: string): string {
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1).trim() : target;
}

function frontMatterTitle(yaml: string): string | null {
  try {
    const data: unknown = parseYaml(yaml);
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
