import { classifyLines, type MarkdownLine } from './classify-lines.ts';
import { parseHeading } from './parse-heading.ts';

/** A heading-delimited piece of a document, before it gets ids. */
export interface MarkdownChunk {
  /** Position in the document, from 0, without gaps. */
  index: number;
  /** Heading path of the section, outermost first, joined by ` > ` ("Install > Linux"); '' before the first heading. */
  heading: string;
  /** Section text without its heading line, trimmed; never longer than `maxChars`. */
  text: string;
}

/** Options for `chunkMarkdown`. */
export interface ChunkOptions {
  /** Largest chunk text, in UTF-16 code units (JavaScript string length). */
  maxChars: number;
}

const HEADING_SEPARATOR = ' > ';

/**
 * Splits Markdown at headings outside code fences; sections longer than `maxChars` are split at blank lines
 * outside fences, and a block still too long is cut at whitespace (or hard at `maxChars`). Empty sections are dropped.
 */
export function chunkMarkdown(body: string, options: ChunkOptions): MarkdownChunk[] {
  const { maxChars } = options;
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new RangeError(`maxChars must be a positive integer, got ${maxChars}`);
  const chunks: MarkdownChunk[] = [];
  // The full path, not just the nearest heading, because "Linux" alone is ambiguous across "Install" and "Upgrade".
  const path: { depth: number; text: string }[] = [];
  let section: MarkdownLine[] = [];
  const flush = () => {
    const heading = path.map((h) => h.text).join(HEADING_SEPARATOR);
    for (const text of splitSection(section, maxChars)) chunks.push({ index: chunks.length, heading, text });
    section = [];
  };
  for (const line of classifyLines(body)) {
    const heading = line.fenced ? null : parseHeading(line.text);
    if (!heading) {
      section.push(line);
      continue;
    }
    flush();
    while (path.length > 0 && path[path.length - 1].depth >= heading.depth) path.pop();
    if (heading.text) path.push(heading);
  }
  flush();
  return chunks;
}

function splitSection(lines: MarkdownLine[], maxChars: number): string[] {
  const whole = lines.map((l) => l.text).join('\n').trim();
  if (whole === '') return [];
  if (whole.length <= maxChars) return [whole];
  const out: string[] = [];
  let current = '';
  for (const block of blocks(lines)) {
    const joined = current ? `${current}\n\n${block}` : block;
    if (joined.length <= maxChars) {
      current = joined;
      continue;
    }
    if (current) out.push(current);
    if (block.length <= maxChars) {
      current = block;
      continue;
    }
    const pieces = hardSplit(block, maxChars);
    current = pieces.pop() ?? '';
    out.push(...pieces);
  }
  if (current) out.push(current);
  return out;
}

/** Paragraph-like blocks: runs of lines separated by blank lines that are not inside a code fence. */
function blocks(lines: MarkdownLine[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (!line.fenced && line.text.trim() === '') {
      if (current.length) out.push(current.join('\n').trim());
      current = [];
    } else {
      current.push(line.text);
    }
  }
  if (current.length) out.push(current.join('\n').trim());
  return out.filter((b) => b !== '');
}

function hardSplit(text: string, maxChars: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    let cut = Math.max(rest.lastIndexOf('\n', maxChars), rest.lastIndexOf(' ', maxChars));
    // Cutting at whitespace is only worth it when it keeps most of the window; otherwise cut hard.
    if (cut < maxChars / 2) cut = maxChars;
    // Never separate the halves of a surrogate pair (emoji, rare CJK).
    const code = rest.charCodeAt(cut - 1);
    if (cut === maxChars && code >= 0xd800 && code <= 0xdbff && cut > 1) cut -= 1;
    const piece = rest.slice(0, cut).trim();
    if (piece) out.push(piece);
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}
