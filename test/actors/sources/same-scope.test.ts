import { describe, expect, it } from 'vitest';
import { isSameScope } from '../../../src/actors/sources/same-scope.ts';

describe('scope identity', () => {
  it('is the same whatever the key order, and differs on any value or list order', () => {
    expect(isSameScope({ owner: 'o', repo: 'r', patterns: ['.md'] }, { repo: 'r', patterns: ['.md'], owner: 'o' })).toBe(true);
    expect(isSameScope({ owner: 'o', repo: 'r' }, { owner: 'o', repo: 'wiki' })).toBe(false);
    expect(isSameScope({ spaces: ['A', 'B'] }, { spaces: ['B', 'A'] })).toBe(false);
  });

  it('treats a missing identity (a cursor written before scopes) as unknown, never the same', () => {
    expect(isSameScope(null, { root: '/docs' })).toBe(false);
    expect(isSameScope(undefined, {})).toBe(false);
  });
});
