/** One line of Markdown, marked when it belongs to a fenced code block (fence lines included). */
export interface MarkdownLine {
  text: string;
  fenced: boolean;
}

// CommonMark fences: up to 3 spaces of indent, then 3+ backticks or tildes.
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Splits Markdown into lines and marks those inside fenced code blocks, so headings and links there are ignored. */
export function classifyLines(markdown: string): MarkdownLine[] {
  const lines = markdown.split(/\r?\n/);
  const out: MarkdownLine[] = [];
  let open: string | null = null;
  for (const text of lines) {
    const fence = FENCE.exec(text)?.[1];
    if (open === null) {
      // A backtick fence whose info string holds a backtick is inline code, not a fence (CommonMark 4.5).
      if (fence && !(fence[0] === '`' && text.slice(text.indexOf(fence) + fence.length).includes('`'))) {
        open = fence;
        out.push({ text, fenced: true });
      } else {
        out.push({ text, fenced: false });
      }
      continue;
    }
    out.push({ text, fenced: true });
    // Only a fence of the same character, at least as long, with nothing after it closes the block.
    if (fence && fence[0] === open[0] && fence.length >= open.length && text.trim() === fence) open = null;
  }
  return out;
}
