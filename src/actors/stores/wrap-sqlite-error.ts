import { StoreUnavailableError } from './store-errors.ts';

// Result codes that say the database could not serve the call, whatever the data: locked, I/O, full, gone.
// https://www.sqlite.org/rescode.html
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|NOMEM|PROTOCOL|CORRUPT|NOTADB)/;

/** `error` as a `StoreUnavailableError` for `store` when SQLite was unavailable, else `error` unchanged. */
export function wrapSqliteError(store: string, error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) return new StoreUnavailableError(store, error);
  // better-sqlite3 throws a TypeError with this message once the connection is closed.
  if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
    return new StoreUnavailableError(store, error);
  }
  return error;
}
