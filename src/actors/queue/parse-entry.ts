import { type IngestionEvent, ingestionEventSchema } from '../../model/ingestion-event.ts';

/** Parses a stored queue entry: the event, or a one-line reason it is not one (the entry then goes to the dead letters). */
export function parseEntry(entry: string): { event: IngestionEvent } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(entry);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const parsed = ingestionEventSchema.safeParse(json);
  if (parsed.success) return { event: parsed.data };
  return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/** The id of a stored entry, or null when it has none (for the dead-letter log line). */
export function entryIdOf(entry: string): string | null {
  try {
    const id = (JSON.parse(entry) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
