import type { DeadLetter } from './ingestion-queue.ts';

/**
 * Reads one record of the Redis dead-letter list, whatever is in it: a record the queue wrote gives its fields, anything
 * else (not JSON, fields missing or of the wrong type, written by hand or by an older inlet) is listed with what can be
 * read, so one bad record never fails the whole listing.
 */
export function parseDeadLetterRecord(record: string): DeadLetter {
  let json: unknown;
  try {
    json = JSON.parse(record);
  } catch {
    return { entry: record, reason: 'unreadable dead-letter record (not JSON)', failedAt: 0 };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { entry: record, reason: 'unreadable dead-letter record (not an object)', failedAt: 0 };
  }
  const { entry, reason, failed_at } = json as Record<string, unknown>;
  return {
    entry: typeof entry === 'string' ? entry : record,
    reason: typeof reason === 'string' ? reason : 'unknown (the record has no reason)',
    failedAt: typeof failed_at === 'number' && Number.isFinite(failed_at) ? failed_at : 0,
  };
}
