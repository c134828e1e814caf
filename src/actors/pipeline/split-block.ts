import { estimateTokens, fitsTokens } from './count-tokens.ts';
import type { MarkdownBlock } from './markdown-outline.ts';

/** A piece of a section ready for packing into chunks: at most the hard cap in tokens, with its estimated size. */
export interface ChunkUnit {
  text: string;
  estimate: number;
}

/**
 * The units a top-level block of a section becomes. A block about `target` tokens or less is one unit; a table or
 * code block stays one unit up to `hard` tokens, because a table cut from its header or code cut mid-fence reads as
 * nonsense. A larger table is cut between rows, each piece repeating the header; larger code between lines, each
 * piece in its own fence; a list or quote between its children; prose at whitespace. Every unit fits `hard`.
 */
export function unitsOf(block: MarkdownBlock, source: string, target: number, hard: number): ChunkUnit[] {
  const text = source.slice(block.start, block.end).trim();
  if (text === '') return [];
  const estimate = estimateTokens(text);
  const atomic = block.kind === 'table' || block.kind === 'code';
  if ((estimate <= target || atomic) && fitsTokens(text, hard)) return [{ text, estimate }];
  if (block.kind === 'table') {
    const [header = '', delimiter = '', ...rows] = text.split('\n');
    return packLines([header, delimiter], rows, [], target, hard);
  }
  if (block.kind === 'code') return splitCode(text, target, hard);
  if (block.kind === 'container') return block.children.flatMap((child) => unitsOf(child, source, target, hard));
  return splitProse(text, target, hard);
}

const FENCE = /^\s*(`{3,}|~{3,})/;

/** Code cut between lines, every piece opened with the block's own fence line and closed with a matching fence. */
function splitCode(text: string, target: number, hard: number): ChunkUnit[] {
  const lines = text.split('\n');
  const open = FENCE.exec(lines[0] ?? '')?.[1];
  if (!open) return packLines([], lines, [], target, hard);
  const last = lines[lines.length - 1]?.trim() ?? '';
  const closed = lines.length > 1 && last.startsWith(open) && /^(`+|~+)$/.test(last);
  const inner = lines.slice(1, closed ? -1 : undefined);
  return packLines([lines[0]], inner, [closed ? last : open], target, hard);
}

/**
 * Packs `lines` into pieces of about `target` tokens and at most `hard`, each wrapped in `head` and `tail` lines. A
 * line too long for a piece on its own is cut as prose: the one place structure gives way to the cap.
 */
function packLines(head: string[], lines: string[], tail: string[], target: number, hard: number): ChunkUnit[] {
  const frame = estimateTokens([...head, ...tail].join('\n'));
  if (frame * 2 > target) return splitProse([...head, ...lines, ...tail].join('\n'), target, hard);
  const out: ChunkUnit[] = [];
  const emit = (group: string[]) => {
    if (group.length === 0) return;
    const text = [...head, ...group, ...tail].join('\n');
    if (fitsTokens(text, hard)) out.push({ text, estimate: estimateTokens(text) });
    else if (group.length === 1) out.push(...splitProse(group[0], target, hard));
    else {
      // The estimate ran short (dense code, long numbers): halve the group until each half fits.
      const half = Math.ceil(group.length / 2);
      emit(group.slice(0, half));
      emit(group.slice(half));
    }
  };
  let group: string[] = [];
  let sum = frame;
  for (const line of lines) {
    const estimate = estimateTokens(line) + 1;
    if (group.length > 0 && sum + estimate > target) {
      emit(group);
      group = [];
      sum = frame;
    }
    group.push(line);
    sum += estimate;
  }
  emit(group);
  return out;
}

/**
 * Prose cut into pieces of about `target` tokens and at most `hard`: at the last whitespace inside a window sized from
 * the text's characters per estimated token, or hard at the window when no whitespace keeps half of it. Never between
 * the halves of a surrogate pair.
 */
export function splitProse(text: string, target: number, hard: number): ChunkUnit[] {
  const out: ChunkUnit[] = [];
  let rest = text.trim();
  const perToken = rest.length / Math.max(1, estimateTokens(rest));
  let window = Math.max(1, Math.floor(target * perToken));
  while (rest !== '') {
    if (rest.length <= window && fitsTokens(rest, hard)) {
      out.push({ text: rest, estimate: estimateTokens(rest) });
      break;
    }
    let cut = Math.min(window, rest.length);
    const space = Math.max(rest.lastIndexOf('\n', cut), rest.lastIndexOf(' ', cut));
    if (space >= cut / 2 && space > 0) cut = space;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff && cut > 1) cut -= 1;
    const piece = rest.slice(0, cut).trim();
    if (window > 1 && !fitsTokens(piece, hard)) {
      // Denser than estimated: shrink the window until a piece fits the cap.
      window = Math.max(1, Math.floor(window * 0.7));
      continue;
    }
    if (piece !== '') out.push({ text: piece, estimate: estimateTokens(piece) });
    rest = rest.slice(cut).trim();
  }
  return out;
}

