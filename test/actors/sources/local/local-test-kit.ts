import { MemoryDocumentStateStore } from '../../../../src/actors/cursor/memory-document-state-store.ts';
import type { PollResult } from '../../../../src/actors/sources/document-source.ts';
import { type LocalFolderOptions, LocalFolderSource } from '../../../../src/actors/sources/local/local-folder-source.ts';

/** A local connector restarted with new options when configured again; one saved cursor, its per-document state and a simulated clock. */
export function connector() {
  let cursor: unknown = null;
  const documents = new MemoryDocumentStateStore();
  let now = Date.parse('2026-01-01T00:00:00Z');
  let source: LocalFolderSource | undefined;
  return {
    get cursor() {
      return cursor;
    },
    set cursor(value: unknown) {
      cursor = value;
    },
    documents,
    advance(ms: number) {
      now += ms;
    },
    configure(options: Omit<LocalFolderOptions, 'name' | 'extensions'> & { extensions?: string[] }) {
      source = new LocalFolderSource({ name: 'docs', extensions: ['.md'], ...options, now: () => now });
      return source;
    },
    async poll(): Promise<PollResult> {
      const signal = new AbortController().signal;
      const result = await source!.poll({ cursor, documents: await documents.load('docs'), webhooks: [], signal, guard: (call) => call(signal) });
      if (result.documents) await documents.apply('docs', result.documents);
      cursor = result.nextCursor;
      return result;
    },
  };
}

