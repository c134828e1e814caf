import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RRF_K, reciprocalRankFusion } from '../../../src/actors/search/reciprocal-rank-fusion.ts';

const id = (s: string) => s;

describe('reciprocalRankFusion', () => {
  it('scores each item the sum of 1 / (k + rank) over the lists holding it', () => {
    const fused = reciprocalRankFusion([['a', 'b'], ['b', 'c']], id);
    expect(fused.map((f) => f.key)).toEqual(['b', 'a', 'c']);
    expect(fused[0].score).toBeCloseTo(1 / (RRF_K + 2) + 1 / (RRF_K + 1));
    expect(fused[0].ranks).toEqual([2, 1]);
    expect(fused[1].ranks).toEqual([1, undefined]);
    expect(fused[2].ranks).toEqual([undefined, 2]);
  });

  it('ranks an item found by both lists above one found first by only one', () => {
    const fused = reciprocalRankFusion([['only-text', 'both'], ['only-vector', 'both']], id);
    expect(fused[0].key).toBe('both');
  });

  it('breaks ties by first appearance, list by list', () => {
    expect(reciprocalRankFusion([['x'], ['y']], id).map((f) => f.key)).toEqual(['x', 'y']);
    expect(reciprocalRankFusion([['y'], ['x']], id).map((f) => f.key)).toEqual(['y', 'x']);
  });

  it('counts an item repeated in one list at its best rank only', () => {
    const [only] = reciprocalRankFusion([['a', 'a', 'a']], id);
    expect(only.score).toBeCloseTo(1 / (RRF_K + 1));
    expect(only.ranks).toEqual([1]);
  });

  it('keeps the first list’s copy of an item and fuses by key', () => {
    const fused = reciprocalRankFusion([[{ id: 'a', from: 'text' }], [{ id: 'a', from: 'vector' }]], (x) => x.id);
    expect(fused).toHaveLength(1);
    expect(fused[0].item.from).toBe('text');
  });

  it('returns nothing for no lists or empty lists', () => {
    expect(reciprocalRankFusion([], id)).toEqual([]);
    expect(reciprocalRankFusion([[], []], id)).toEqual([]);
  });

  it('with one list, keeps its order (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 30 }), (list) => {
        expect(reciprocalRankFusion([list], id).map((f) => f.key)).toEqual(list);
      }),
    );
  });

  it('returns each distinct key once, scores descending, whatever the lists (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 8 }), { maxLength: 4 }), fc.integer({ min: 1, max: 100 }), (lists, k) => {
        const fused = reciprocalRankFusion(lists, id, k);
        expect(fused.map((f) => f.key).sort()).toEqual([...new Set(lists.flat())].sort());
        for (let i = 1; i < fused.length; i++) expect(fused[i - 1].score).toBeGreaterThanOrEqual(fused[i].score);
      }),
    );
  });
});
