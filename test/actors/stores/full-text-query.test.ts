import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { foldTokenEnds } from '../../../src/actors/stores/fold-token-ends.ts';
import { toFts5Query } from '../../../src/actors/stores/fts5-query.ts';
import { toLuceneQuery } from '../../../src/actors/stores/lucene-query.ts';
import { queryTerms } from '../../../src/actors/stores/query-terms.ts';
import { DEFAULT_CHUNK_TOKENIZER } from '../../../src/actors/stores/sqlite-chunk-text-index.ts';

// Queries a user may type that are FTS5 or Lucene syntax, or broken syntax, when passed through as they are.
const HOSTILE = [
  'NOT', 'AND OR', 'a AND', '"unbalanced', "it's", 'title:foo', '(group', 'prefix*', '^start', 'NEAR(a b)', 'a + b', '--flag',
  '-x', '!', '\\', 'x\\"y', '{}[]', 'a~2', 'c++', 'what?', '/regex/', '&&', '||', 'col : "x"', '"', '""', "''", '*', 'é',
];

describe('queryTerms', () => {
  it('keeps identifiers whole with their punctuation, once each, without stopwords', () => {
    expect(queryTerms('how do I set queue.lease_seconds and queue.lease_seconds?')).toEqual(['set', 'queue.lease_seconds', 'queue.lease_seconds?']);
    expect(queryTerms('ERR_CODE_42')).toEqual(['ERR_CODE_42']);
  });

  it('keeps stopwords when nothing else is left, and drops pieces without a letter or digit', () => {
    expect(queryTerms('how to')).toEqual(['how', 'to']);
    expect(queryTerms('-- ? "')).toEqual([]);
  });
});

describe('foldTokenEnds', () => {
  it('drops the dots and dashes ending a word, keeping those inside and before one', () => {
    expect(foldTokenEnds('Set queue.lease_seconds. Then wait... v1.2.3 and --flag, .env, __init__ or x- y.')).toBe(
      'Set queue.lease_seconds Then wait v1.2.3 and --flag, .env, __init__ or x y',
    );
  });
});

describe('toFts5Query', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(text, tokenize = '${DEFAULT_CHUNK_TOKENIZER.replaceAll("'", "''")}')`);
  const insert = db.prepare('INSERT INTO t (text) VALUES (?)');
  const texts = ['Set queue.lease_seconds to 30 seconds.', 'The queue leases events for a lease of seconds.', 'The worker stops with ERR_CODE_42.', 'Pass --flag to skip it.', 'NOT a keyword here'];
  // Indexed as SqliteChunkTextIndex indexes chunks.
  for (const text of texts) insert.run(foldTokenEnds(text));
  const match = (q: string) => {
    const expression = toFts5Query(q);
    return expression === null ? [] : (db.prepare('SELECT text FROM t WHERE t MATCH ? ORDER BY rank').pluck().all(expression) as string[]);
  };
  afterAll(() => db.close());

  it('quotes every term, doubling quotes, and ORs them', () => {
    expect(toFts5Query('lease "seconds" NOT')).toBe('"lease" OR """seconds""" OR "NOT"');
    expect(toFts5Query('? -')).toBeNull();
  });

  it('finds an identifier as one token, not its parts scattered in prose, also at a sentence’s end', () => {
    expect(match('queue.lease_seconds')).toEqual([foldTokenEnds(texts[0])]);
    expect(match('ERR_CODE_42.')).toEqual([foldTokenEnds(texts[2])]);
    expect(match('--flag')).toEqual([foldTokenEnds(texts[3])]);
    expect(match('seconds?')).toHaveLength(2);
  });

  it('treats operators and syntax in the query as words', () => {
    expect(match('NOT')).toEqual(['NOT a keyword here']);
    expect(match('text:lease')).toEqual([]);
  });

  it.each(HOSTILE)('never raises a syntax error: %s', (q) => {
    expect(() => match(q)).not.toThrow();
  });

  it('never raises a syntax error, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), (q) => {
        match(q);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HOSTILE, 'lease', ' ', '"', ':', '*', '(', ')'), { maxLength: 8 }), (parts) => {
        match(parts.join(''));
      }),
      { numRuns: 500 },
    );
  });
});

describe('toLuceneQuery', () => {
  it('quotes every term with backslash escapes and ORs them', () => {
    expect(toLuceneQuery('lease "seconds" x\\y')).toBe('"lease" OR "\\"seconds\\"" OR "x\\\\y"');
    expect(toLuceneQuery('title:foo AND (bar)')).toBe('"title:foo" OR "(bar)"');
    expect(toLuceneQuery('* ?')).toBeNull();
  });

  it('leaves no unescaped quote in any term (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (q) => {
        const lucene = toLuceneQuery(q);
        if (lucene === null) return;
        for (const phrase of lucene.split(' OR ')) {
          expect(phrase.startsWith('"') && phrase.endsWith('"')).toBe(true);
          expect(/(^|[^\\])(\\\\)*"/.test(phrase.slice(1, -1))).toBe(false);
        }
      }),
    );
  });
});
