import type { IngestionEvent } from '../../src/model/ingestion-event.ts';

/** A valid upsert event for `path`, with overridable fields. */
export function upsertEvent(path: string, overrides: Partial<IngestionEvent> = {}): IngestionEvent {
  return {
    id: `test:${path}:1`,
    source: 'test',
    kind: 'upsert',
    docId: `test:${path}`,
    path,
    content: `# ${path}\n\nBody of ${path}.\n`,
    updatedAt: '2026-11-28T00:00:00.000Z',
    ...overrides,
  };
}

/** `count` distinct upsert events named doc-0.md, doc-1.md, ... */
export function manyEvents(count: number, prefix = 'doc'): IngestionEvent[] {
  return Array.from({ length: count }, (_, i) => upsertEvent(`${prefix}-${i}.md`));
}
