import type { ChunkRecord } from '../stores/graph-store.ts';

/** How the chunker joins a heading path ("Install > Linux"). */
const HEADING_SEPARATOR = ' > ';

/**
 * A document's Markdown put back together from its stored chunks: the stores keep sections, not the file. Each section
 * gets its heading line back (its depth is its place in the heading path), so the text reads as the original's outline;
 * front matter and the heading levels a file skipped are not restored.
 */
export function markdownOfChunks(chunks: readonly ChunkRecord[]): string {
  const parts: string[] = [];
  let previous = '';
  for (const chunk of [...chunks].sort((a, b) => a.index - b.index)) {
    if (chunk.heading !== '' && chunk.heading !== previous) {
      const path = chunk.heading.split(HEADING_SEPARATOR);
      parts.push(`${'#'.repeat(Math.min(path.length, 6))} ${path[path.length - 1]}`);
    }
    previous = chunk.heading;
    if (chunk.text !== '') parts.push(chunk.text);
  }
  return parts.length === 0 ? '' : `${parts.join('\n\n')}\n`;
}
