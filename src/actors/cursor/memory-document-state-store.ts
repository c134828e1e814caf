import type { DocumentStateChanges, DocumentStateStore } from './document-state-store.ts';

/** Per-document state in process memory only: for tests and benches, and counting what a poll would write. */
export class MemoryDocumentStateStore implements DocumentStateStore {
  private readonly held = new Map<string, Map<string, string>>();
  /** Entries written and deleted, and their bytes (ids and values, UTF-8), since creation. */
  readonly written = { entries: 0, bytes: 0 };

  async load(connector: string): Promise<ReadonlyMap<string, string>> {
    return new Map(this.held.get(connector));
  }

  async apply(connector: string, changes: DocumentStateChanges): Promise<void> {
    const entries = this.held.get(connector) ?? new Map<string, string>();
    this.held.set(connector, entries);
    for (const [id, value] of Object.entries(changes.set)) {
      entries.set(id, value);
      this.written.entries++;
      this.written.bytes += Buffer.byteLength(id) + Buffer.byteLength(value);
    }
    for (const id of changes.delete) {
      entries.delete(id);
      this.written.entries++;
      this.written.bytes += Buffer.byteLength(id);
    }
  }

  async clear(connector: string): Promise<void> {
    this.held.delete(connector);
  }
}
