import { queryTerms } from './query-terms.ts';

/**
 * Turns free text into a Lucene query (Neo4j's `db.index.fulltext.queryNodes`) that cannot be a syntax error, or null
 * when nothing in it can match (no letter or digit). Every term becomes a quoted phrase with `\` and `"` escaped, the
 * only characters special inside quotes in Lucene's classic query parser, so `+ - && || ! ( ) { } [ ] ^ ~ * ? : /` and
 * AND, OR, NOT are plain text. The standard analyzer keeps `queue.lease_seconds` and `ERR_CODE_42` as one token each
 * (Unicode word breaks) and splits `--flag` to `flag`, in the text and in the phrase alike. Terms are ORed.
 */
export function toLuceneQuery(text: string): string | null {
  const terms = queryTerms(text);
  return terms.length === 0 ? null : terms.map((term) => `"${term.replace(/[\\"]/g, '\\$&')}"`).join(' OR ');
}
