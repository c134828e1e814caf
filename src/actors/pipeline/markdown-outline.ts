/**
 * Where a block lies in the document's source, as UTF-16 offsets (`end` exclusive). Chunks are slices of the source,
 * so that a chunk reads exactly as the author wrote it.
 */
interface SourceSpan {
  start: number;
  end: number;
}

/**
 * A block of a Markdown document as chunking sees it. Tables and code are kept whole where the cap allows; a container
 * (list, list item, quote, JSX element) holds blocks that can stand alone when it must be cut; any other block
 * (paragraph, raw HTML, rule, a heading inside a container) is prose.
 */
export type MarkdownBlock =
  | (SourceSpan & { kind: 'heading'; /** 1 to 6. */ depth: number; /** Visible text, marks and HTML dropped. */ text: string })
  | (SourceSpan & { kind: 'table' | 'code' | 'prose' })
  | (SourceSpan & { kind: 'container'; children: MarkdownBlock[] });

/**
 * What the pipeline reads from one Markdown document, whichever parser read it (markdown-it for Markdown, mdast for
 * MDX): the one shape parsing and chunking share.
 */
export interface MarkdownOutline {
  /** The document's top-level blocks in order; front matter and MDX imports are not content and are left out. */
  blocks: MarkdownBlock[];
  /**
   * Link targets as written (no percent-encoding added), images excluded: inline links, autolinks and linkified bare
   * URLs and e-mail addresses, `<a href>` in raw HTML, `href` on JSX elements, in order of appearance; then the target
   * of every reference definition, which is where each `[text][ref]` link points.
   */
  links: string[];
  /** The YAML front matter, and the offset where the content after it starts; null when the document has none. */
  frontMatter: { yaml: string; bodyStart: number } | null;
}
