import type { DocumentStateChanges } from '../cursor/document-state-store.ts';

/**
 * One poll's view of what a source remembers per document: the entries held since the last successful poll, with this
 * poll's changes on top. Only the changes are written back (issue 12 part 4), so a poll that touches ten pages writes
 * ten entries, whatever the number held; setting an entry to the value it has is no change.
 */
export class DocumentStates {
  private readonly changed = new Map<string, string | undefined>();
  private readonly marked = new Set<string>();

  constructor(private readonly held: ReadonlyMap<string, string> = new Map()) {}

  /** The entry of `id`, or undefined when none is held. */
  get(id: string): string | undefined {
    return this.changed.has(id) ? this.changed.get(id) : this.held.get(id);
  }

  set(id: string, value: string): void {
    if (this.get(id) !== value) this.changed.set(id, value);
  }

  delete(id: string): void {
    if (this.get(id) !== undefined) this.changed.set(id, undefined);
  }

  /** Every id with an entry now. */
  *ids(): IterableIterator<string> {
    for (const id of this.held.keys()) if (!this.changed.has(id)) yield id;
    for (const [id, value] of this.changed) if (value !== undefined) yield id;
  }

  /**
   * The write that sets `ids` to `mark` before this poll's events are enqueued (`PollResult.pending`). `changes()` then
   * replaces each mark with the entry the poll ends with, or deletes it, even where that entry did not change.
   */
  mark(ids: Iterable<string>, mark: string): DocumentStateChanges {
    const changes: DocumentStateChanges = { set: {}, delete: [] };
    for (const id of ids) {
      this.marked.add(id);
      changes.set[id] = mark;
    }
    return changes;
  }

  /** What this poll changed, for the store. */
  changes(): DocumentStateChanges {
    const changes: DocumentStateChanges = { set: {}, delete: [] };
    for (const [id, value] of this.changed) {
      if (value !== undefined) changes.set[id] = value;
      else if (this.held.has(id) || this.marked.has(id)) changes.delete.push(id);
    }
    for (const id of this.marked) {
      if (this.changed.has(id)) continue;
      const value = this.held.get(id);
      if (value !== undefined) changes.set[id] = value;
      else changes.delete.push(id);
    }
    return changes;
  }
}
