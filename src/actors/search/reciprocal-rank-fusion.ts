/**
 * RRF's rank constant. Cormack, Clarke and Büttcher (SIGIR 2009) use 60; bench/search-quality.ts --variants measured
 * 2 to 10 best on the node_modules corpus with the default (hashed) embedder: heading-question recall at 5 of 0.903
 * against 0.836 at 60, exact-identifier recall 1.0 at every k. A small k lets each side's first few ranks decide, which
 * suits a lexical side that is sure about exact terms; re-run the sweep when choosing a semantic embedder.
 */
export const RRF_K = 10;

/** One item of the fused ranking: its key, its RRF score, and its 1-based rank in each list that held it. */
export interface FusedItem<T> {
  key: string;
  /** Sum over the lists of 1 / (k + rank). */
  score: number;
  /** The item as the first list holding it gave it. */
  item: T;
  /** 1-based rank in each input list, by the list's index; absent where the list did not hold the item. */
  ranks: (number | undefined)[];
}

/**
 * Reciprocal rank fusion (Cormack et al. 2009): each item scores the sum of 1 / (k + rank) over the ranked lists that
 * hold it, so only ranks matter and scores of different kinds (cosine, BM25) need no calibration. Lists are best first;
 * an item repeated in one list counts at its best rank. Ties keep the order of first appearance (list by list).
 */
export function reciprocalRankFusion<T>(lists: readonly (readonly T[])[], keyOf: (item: T) => string, k = RRF_K): FusedItem<T>[] {
  const fused = new Map<string, FusedItem<T>>();
  lists.forEach((list, listIndex) => {
    list.forEach((item, position) => {
      const key = keyOf(item);
      let entry = fused.get(key);
      if (!entry) {
        entry = { key, score: 0, item, ranks: lists.map(() => undefined) };
        fused.set(key, entry);
      }
      if (entry.ranks[listIndex] !== undefined) return;
      entry.ranks[listIndex] = position + 1;
      entry.score += 1 / (k + position + 1);
    });
  });
  // Array.prototype.sort is stable, so equal scores keep insertion order.
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
