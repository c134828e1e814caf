import { isQueueFullError, QueueUnavailableError } from './queue-errors.ts';

// Primary result codes meaning "the file cannot serve us right now", not "the queue code is wrong":
// https://www.sqlite.org/rescode.html. Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT) share the prefix.
const UNAVAILABLE = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_NOMEM',
  'SQLITE_PROTOCOL',
]);

/** Maps a better-sqlite3 failure to `QueueUnavailableError`; `QueueFullError` and programming errors pass through. */
export function toQueueError(error: unknown): unknown {
  if (isQueueFullError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE.has(code.split('_').slice(0, 2).join('_'))) {
    return new QueueUnavailableError(error);
  }
  // better-sqlite3 throws a plain TypeError, without a code, once the caller has closed the connection.
  if (error instanceof TypeError && error.message.includes('database connection is not open')) {
    return new QueueUnavailableError(error);
  }
  return error;
}
