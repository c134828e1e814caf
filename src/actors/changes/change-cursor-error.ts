/** Why a cursor cannot be read from. */
export type ChangeCursorProblem = 'malformed' | 'unknown' | 'expired';

/** A cursor the change feed cannot continue from; the message is one sentence for a client to act on. */
export class ChangeCursorError extends Error {
  override readonly name = 'ChangeCursorError';
  /** Stable code: `CHANGE_CURSOR_MALFORMED`, `CHANGE_CURSOR_UNKNOWN` or `CHANGE_CURSOR_EXPIRED`. */
  readonly code: string;

  constructor(
    readonly cursor: string,
    readonly problem: ChangeCursorProblem,
  ) {
    super(sentenceOf(cursor, problem));
    this.code = `CHANGE_CURSOR_${problem.toUpperCase()}`;
  }
}

/** True for a `ChangeCursorError`. */
export function isChangeCursorError(error: unknown): error is ChangeCursorError {
  return error instanceof ChangeCursorError;
}

function sentenceOf(cursor: string, problem: ChangeCursorProblem): string {
  const again = 'read without a cursor to get the newest changes and a fresh cursor.';
  if (problem === 'malformed') return `"${cursor}" is not a change feed cursor; ${again}`;
  if (problem === 'unknown') return `Cursor "${cursor}" is ahead of every change this feed holds (it comes from another inlet); ${again}`;
  return `Cursor "${cursor}" has expired: the changes after it are no longer kept (the feed keeps the newest 100,000); ${again}`;
}
