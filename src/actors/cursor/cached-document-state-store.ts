import type { DocumentStateChanges, DocumentStateStore } from './document-state-store.ts';

/**
 * Keeps each connector's state in memory after its first load, so a poll reads no store and an idle poll writes
 * nothing. The copy changes only once the store has taken a write: a poll abandoned before it leaves no trace.
 */
export class CachedDocumentStateStore implements DocumentStateStore {
  private readonly held = new Map<string, Map<string, string>>();

  constructor(private readonly store: DocumentStateStore) {}

  async load(connector: string): Promise<ReadonlyMap<string, string>> {
    let entries = this.held.get(connector);
    if (!entries) {
      entries = new Map(await this.store.load(connector));
      this.held.set(connector, entries);
    }
    return entries;
  }

  async apply(connector: string, changes: DocumentStateChanges): Promise<void> {
    await this.store.apply(connector, changes);
    const entries = this.held.get(connector);
    if (!entries) return;
    for (const [id, value] of Object.entries(changes.set)) entries.set(id, value);
    for (const id of changes.delete) entries.delete(id);
  }

  async clear(connector: string): Promise<void> {
    await this.store.clear(connector);
    this.held.delete(connector);
  }
}
