import { countTokens, estimateTokens, fitsTokens } from './count-tokens.ts';
import type { MarkdownBlock } from './markdown-outline.ts';
import type { Heading } from './parse-markdown.ts';
import { readMarkdown } from './read-markdown.ts';
import { type ChunkUnit, unitsOf } from './split-block.ts';

/** A heading-delimited piece of a document, before it gets ids. */
export interface MarkdownChunk {
  /** Position in the document, from 0, without gaps. */
  index: number;
  /** Heading path of the section, outermost first, joined by ` > ` ("Install > Linux"); '' before the first heading. */
  heading: string;
  /** The section's Markdown without its heading line, trimmed. */
  text: string;
  /**
   * What to embed: the breadcrumb (the document title, unless the headings start with it, then the heading path:
   * "Guide > Install > Linux"), a blank line, and `text`. At most `maxTokens` tokens: sections that never name their
   * topic are still found by it.
   */
  retrievalText: string;
}

/** Options for `chunkMarkdown`. */
export interface ChunkOptions {
  /** Hard cap of a chunk's `retrievalText`, in cl100k_base tokens: the embedder's input limit. */
  maxTokens: number;
  /**
   * Size aimed at, in tokens: prose is packed up to it; a table or code block may exceed it, up to `maxTokens`, to
   * stay whole. Default the smaller of 512 and `maxTokens`, a common retrieval chunk size.
   */
  targetTokens?: number;
  /** Document title, the breadcrumb's first step. */
  title?: string;
}

/** Default `targetTokens`: about the 2,000 characters of English the chunker aimed at before it counted tokens. */
export const DEFAULT_TARGET_TOKENS = 512;
const HEADING_SEPARATOR = ' > ';
/** Estimated tokens of the blank line between packed blocks. */
const BLOCK_JOIN_TOKENS = 2;
/** Slack for a token merging across the breadcrumb's blank line. */
const BREADCRUMB_MARGIN_TOKENS = 2;

/** Chunks Markdown text (not MDX); the same as `chunkMarkdownBlocks` on its outline's blocks. */
export function chunkMarkdown(markdown: string, options: ChunkOptions): MarkdownChunk[] {
  return chunkMarkdownBlocks(readMarkdown(markdown).blocks, markdown, options);
}

/**
 * Splits a document at its top-level headings (of either kind; never inside code, quotes or lists) into sections, and
 * a section longer than the target into chunks of whole blocks (see `unitsOf` for blocks that are too long
 * themselves). `blocks` are an outline's (see `MarkdownOutline`), whose offsets index `source`. Empty sections are dropped.
 */
export function chunkMarkdownBlocks(blocks: MarkdownBlock[], source: string, options: ChunkOptions): MarkdownChunk[] {
  const { maxTokens, title = '' } = options;
  if (!Number.isInteger(maxTokens) || maxTokens < 16) throw new RangeError(`maxTokens must be an integer of at least 16, got ${maxTokens}`);
  const targetTokens = Math.min(options.targetTokens ?? DEFAULT_TARGET_TOKENS, maxTokens);
  if (!Number.isInteger(targetTokens) || targetTokens < 1) throw new RangeError(`targetTokens must be a positive integer, got ${targetTokens}`);
  const chunks: MarkdownChunk[] = [];
  // The full path, not just the nearest heading, because "Linux" alone is ambiguous across "Install" and "Upgrade".
  const path: Heading[] = [];
  let section: MarkdownBlock[] = [];
  const flush = () => {
    if (section.length === 0) return;
    const heading = path.map((h) => h.text).join(HEADING_SEPARATOR);
    const prefix = breadcrumbPrefix(title, path, maxTokens);
    const hard = maxTokens - (prefix === '' ? 0 : prefixTokens(prefix, maxTokens) + BREADCRUMB_MARGIN_TOKENS);
    const target = Math.min(targetTokens, hard);
    for (const text of sectionTexts(section, source, target, hard)) chunks.push({ index: chunks.length, heading, text, retrievalText: `${prefix}${text}` });
    section = [];
  };
  for (const block of blocks) {
    if (block.kind !== 'heading') {
      section.push(block);
      continue;
    }
    flush();
    while (path.length > 0 && path[path.length - 1].depth >= block.depth) path.pop();
    const text = block.text.replace(/\s+/g, ' ').trim();
    if (text) path.push({ depth: block.depth, text });
  }
  flush();
  return chunks;
}

/** The breadcrumb line and blank line put before a chunk's text, cut short if it would take over a quarter of the cap. */
function breadcrumbPrefix(title: string, path: Heading[], maxTokens: number): string {
  const steps = path.map((h) => h.text);
  if (title !== '' && steps[0] !== title) steps.unshift(title);
  let crumb = steps.join(HEADING_SEPARATOR);
  if (crumb === '') return '';
  const allowance = Math.floor(maxTokens / 4);
  // A code unit is at most 3 UTF-8 bytes and a token at least one, so this many characters always fit.
  if (!fitsTokens(`${crumb}\n\n`, allowance)) {
    const keep = Math.floor((allowance - 1) / 3);
    crumb = keep > 0 ? crumb.slice(-keep).trim() : '';
  }
  return crumb === '' ? '' : `${crumb}\n\n`;
}

/** Tokens to reserve for the breadcrumb: the 3-per-character bound when it costs little of the cap, else the count. */
function prefixTokens(prefix: string, maxTokens: number): number {
  return prefix.length * 3 <= maxTokens / 8 ? prefix.length * 3 : countTokens(prefix);
}

/** The chunk texts of one section: the whole section when it fits the target, else its blocks packed greedily. */
function sectionTexts(blocks: MarkdownBlock[], source: string, target: number, hard: number): string[] {
  const whole = source.slice(blocks[0].start, blocks[blocks.length - 1].end).trim();
  if (whole === '') return [];
  if (estimateTokens(whole) <= target && fitsTokens(whole, hard)) return [whole];
  const units = blocks.flatMap((block) => unitsOf(block, source, target, hard));
  return pack(units, target, hard);
}

function pack(units: ChunkUnit[], target: number, hard: number): string[] {
  const out: string[] = [];
  let group: ChunkUnit[] = [];
  let sum = 0;
  const emit = () => {
    const text = group.map((u) => u.text).join('\n\n');
    // Each unit fits alone; a joined group is counted (past the cheap bound) before it is trusted with the cap.
    if (group.length === 1 || fitsTokens(text, hard)) out.push(text);
    else out.push(...group.map((u) => u.text));
    group = [];
    sum = 0;
  };
  for (const unit of units) {
    if (group.length > 0 && sum + BLOCK_JOIN_TOKENS + unit.estimate > target) emit();
    sum += (group.length > 0 ? BLOCK_JOIN_TOKENS : 0) + unit.estimate;
    group.push(unit);
  }
  if (group.length > 0) emit();
  return out;
}
