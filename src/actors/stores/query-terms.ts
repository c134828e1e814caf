// Words that carry no topic in a question. Dropped from a full-text query (never from an all-stopword one): terms are
// ORed, and a word found in nearly every chunk makes the index score nearly every chunk, for no gain in ranking.
const STOPWORDS = new Set(
  'a an and are as at be by can do does for from how i if in into is it me my of on or should so that the their then there these this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);

/**
 * The terms of free text for a full-text query: its whitespace-separated pieces holding a letter or digit, each once,
 * stopwords left out unless nothing else is left. A piece keeps its punctuation (`queue.lease_seconds`, `--flag`): the
 * index's own analyzer splits it the way it split the indexed text, so the query can ask for it as one phrase.
 */
export function queryTerms(text: string): string[] {
  const terms = [...new Set(text.split(/\s+/u).filter((term) => /[\p{L}\p{N}]/u.test(term)))];
  const topical = terms.filter((term) => !STOPWORDS.has(term.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')));
  return topical.length > 0 ? topical : terms;
}
