import type { DocumentStates } from '../document-states.ts';
import type { ParentRef } from './notion-scope.ts';

/**
 * What the Notion connector remembers per id, in the per-document state store: `<parent>` for an ancestor met on the
 * way up (a block, a data source, a page out of scope), `<parent> <sha256>` for a page it ingested. One entry per id
 * keeps a page's parent and hash in one write.
 */
export class NotionPageStates {
  constructor(readonly states: DocumentStates) {}

  /** The hash of the ingested page `id`, if it is held. */
  hashOf(id: string): string | undefined {
    return this.states.get(id)?.split(' ')[1];
  }

  /** The parent remembered for `id`, if any. */
  parentOf(id: string): ParentRef | undefined {
    return this.states.get(id)?.split(' ')[0];
  }

  /** Remembers where `id` lives, keeping its hash. */
  setParent(id: string, parent: ParentRef): void {
    const hash = this.hashOf(id);
    this.states.set(id, hash === undefined ? parent : `${parent} ${hash}`);
  }

  /** Remembers that page `id` was ingested with `hash`. */
  setHash(id: string, hash: string): void {
    this.states.set(id, `${this.parentOf(id) ?? 'workspace'} ${hash}`);
  }

  /** Forgets that page `id` was ingested (its parent stays known for the scope check). */
  forget(id: string): void {
    const parent = this.parentOf(id);
    if (parent === undefined) this.states.delete(id);
    else this.states.set(id, parent);
  }

  /** Ids of every ingested page. */
  held(): string[] {
    return [...this.states.ids()].filter((id) => this.hashOf(id) !== undefined);
  }
}

/** The entries of a version 1 cursor, which held `hashes` and `parents` inside it; null when it has none. */
export function notionEntriesOfV1(v1: Record<string, unknown>): Record<string, string> | null {
  const hashes = v1.hashes as Record<string, string> | undefined;
  const parents = (v1.parents ?? {}) as Record<string, string>;
  if (typeof hashes !== 'object' || hashes === null) return null;
  const entries: Record<string, string> = { ...parents };
  for (const [id, hash] of Object.entries(hashes)) entries[id] = `${parents[id] ?? 'workspace'} ${hash}`;
  return entries;
}
