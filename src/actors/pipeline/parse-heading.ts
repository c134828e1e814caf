/** An ATX heading: its level (1 to 6) and its text without the `#` marks. */
export interface Heading {
  depth: number;
  text: string;
}

// ATX only: setext headings (`===`/`---` underlines) are rare in docs and `---` collides with rules and front matter.
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;

/** The heading on `line`, or null; callers skip lines inside code fences first. */
export function parseHeading(line: string): Heading | null {
  const match = ATX.exec(line);
  if (!match) return null;
  return { depth: match[1].length, text: (match[2] ?? '').replace(/^#+$/, '').trim() };
}
