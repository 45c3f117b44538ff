/**
 * "Did you mean" for misspelt names: the known name a few edits away (letter case ignored).
 * Used by the prop shape checks, the checker's options and the schema's unknown fields.
 */

/**
 * The known name nearest to a misspelt one, fewer than `within` edits away.
 * @param within by default 3, more for longer names (a quarter of the length, plus one)
 */
export function nearest(word: string, names: readonly string[], within = Math.max(3, Math.floor(word.length / 4) + 1)): string | undefined {
  let best: string | undefined;
  let bestDistance = within;
  const lower = word.toLowerCase();
  for (const n of names) {
    const d = editDistance(lower, n.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  return best;
}

/** The Levenshtein distance of `a` and `b`, or `limit` when it is at least that. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return Math.min(prev[b.length], limit);
}
