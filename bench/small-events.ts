import type { IngestionEvent } from '../src/model/ingestion-event.ts';

const FILLER = 'Small benchmark event body, a short paragraph standing in for a one-line docs change. ';

/** `count` distinct upsert events with about 200 bytes of content, ids prefixed so runs never collide. */
export function smallEvents(count: number, prefix: string): IngestionEvent[] {
  const content = `# Note\n\n${FILLER.repeat(2)}`.slice(0, 200);
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}:${i}`,
    source: 'bench',
    kind: 'upsert' as const,
    docId: `bench:notes/note-${i}.md`,
    path: `notes/note-${i}.md`,
    content,
    updatedAt: '2026-01-01T00:00:00.000Z',
  }));
}
