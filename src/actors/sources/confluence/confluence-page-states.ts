import type { DocumentStates } from '../document-states.ts';

/** A content type of Confluence the connector ingests. */
export type ContentType = 'page' | 'blogpost';

/**
 * What the Confluence connector remembers per page, in the per-document state store: `<type> <version>/<parentId>`.
 * The version and parent deduplicate the re-read window (a move keeps the version but changes the parent); the type
 * says which v2 endpoint fetches a known id.
 */
export class ConfluencePageStates {
  constructor(readonly states: DocumentStates) {}

  /** `<version>/<parentId>` of the ingested page `id`, if it is held. */
  keyOf(id: string): string | undefined {
    return this.states.get(id)?.split(' ')[1];
  }

  typeOf(id: string): ContentType | undefined {
    return this.states.get(id)?.split(' ')[0] as ContentType | undefined;
  }

  set(id: string, type: ContentType, key: string): void {
    this.states.set(id, `${type} ${key}`);
  }

  forget(id: string): void {
    this.states.delete(id);
  }

  held(): string[] {
    return [...this.states.ids()];
  }
}

/** The entries of a version 1 cursor, which held `pages` (id → key) and `types` inside it; null when it has none. */
export function confluenceEntriesOfV1(v1: Record<string, unknown>): Record<string, string> | null {
  const pages = v1.pages as Record<string, string> | undefined;
  const types = (v1.types ?? {}) as Record<string, ContentType>;
  if (typeof pages !== 'object' || pages === null) return null;
  return Object.fromEntries(Object.entries(pages).map(([id, key]) => [id, `${types[id] ?? 'page'} ${key}`]));
}
