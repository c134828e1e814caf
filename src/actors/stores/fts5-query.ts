import { foldTokenEnds } from './fold-token-ends.ts';
import { queryTerms } from './query-terms.ts';

/**
 * Turns free text into an FTS5 MATCH expression that cannot be a syntax error, or null when nothing in it can match
 * (no letter or digit). Every term becomes a quoted string (inner quotes doubled), so operators (AND, OR, NOT, NEAR),
 * column filters, `*`, `^`, parentheses and quotes in the query are plain text (https://sqlite.org/fts5.html#fts5_strings).
 * The table's tokenizer reads a quoted term as it read the text: `queue.lease_seconds` is one token, `what?` is `what`.
 * Word-ending `.` and `-` are folded away as in the indexed text (`foldTokenEnds`). Terms are ORed, so a question finds
 * chunks holding some of its words, and BM25 ranks those with the rarest ones first.
 */
export function toFts5Query(text: string): string | null {
  const terms = queryTerms(foldTokenEnds(text));
  return terms.length === 0 ? null : terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
}
