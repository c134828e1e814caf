// A run of `.` or `-` right after a letter, digit or `_` and before anything else that is not one.
const TOKEN_END_PUNCTUATION = /(?<=[\p{L}\p{N}_])[.-]+(?![\p{L}\p{N}_])/gu;

/**
 * Drops the `.` and `-` that end a word ("seconds." at a sentence's end, "queue.lease_seconds." too), keeping those
 * inside one (`queue.lease_seconds`, `v1.2.3`) and before one (`--flag`, `.env`). The FTS5 tokenizer keeps `.` and `-`
 * inside tokens so identifiers stay whole; without this fold, the word ending a sentence would be a different token
 * from the same word elsewhere. Applied alike to the text indexed and to the query.
 */
export function foldTokenEnds(text: string): string {
  return text.replace(TOKEN_END_PUNCTUATION, '');
}
