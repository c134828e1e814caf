/**
 * The valid key a misspelt one most likely meant, or undefined when none is close: the same key written another way
 * (`pollIntervalSeconds`), one at most two edits away (`max_sise`, `circuit_breaker_enable`, `modle`; one for keys of
 * three letters or fewer), or the one key that starts or ends with it, or it with the key (`timeout_seconds`, `repository`).
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  const folded = (text: string) => text.toLowerCase().replace(/[-_]/g, '');
  const same = candidates.find((c) => folded(c) === folded(key));
  if (same !== undefined) return same;
  const limit = key.length <= 3 ? 1 : 2;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  if (best) return best.key;
  // A prefix or suffix only counts when it is the one candidate (`circuit_breaker` could mean three keys).
  if (wanted.length < 4) return undefined;
  const fits = candidates.filter((c) => {
    const other = c.toLowerCase();
    return other.length >= 4 && (other.startsWith(wanted) || other.endsWith(wanted) || wanted.startsWith(other) || wanted.endsWith(other));
  });
  return fits.length === 1 ? fits[0] : undefined;
}

/** Edits that turn `a` into `b`: insert, delete, substitute, or swap two neighbours (Levenshtein plus transpositions). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
