// "Did you mean": the candidates closest to an unknown name.
// Distance is Damerau-Levenshtein (optimal string alignment: insert, delete, substitute, swap two
// neighbours) on lower-cased names, so 'dense' finds 'Dense' and 'Dnese' finds it too. Names that
// differ only in case or underscores ('maxpooling2d', 'max_pooling2d') count as distance 0.
// It runs on every keystroke, so its work is bounded: a name longer than SUGGEST_MAX_NAME gets no
// suggestion, a candidate whose length differs by more than the tolerance is skipped without the
// distance table (the distance is at least the length difference), and the tables of one call
// share a budget of SUGGEST_MAX_CELLS cells.

/** No catalog name is near this long; a longer unknown name is not a typo of one. */
export const SUGGEST_MAX_NAME = 64;
/** Distance-table cells one suggest() call may fill (about a millisecond of work). */
const SUGGEST_MAX_CELLS = 1_000_000;

/** Edits between a and b, where swapping two neighbouring letters is one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const loose = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');

/** How many edits still count as a typo: 1 for short names, 2 up to 8 letters, 3 beyond. */
function tolerance(name: string): number {
  return name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
}

/** The best candidates for `name`, closest first (at most `limit`); empty when none is close. */
export function suggest(name: string, candidates: readonly string[], limit = 3): string[] {
  if (name.length > SUGGEST_MAX_NAME) return [];
  const max = tolerance(name);
  const lower = name.toLowerCase();
  const looseName = loose(name);
  let cells = 0;
  const scored: { c: string; d: number }[] = [];
  for (const c of new Set(candidates)) {
    if (c === name || c.length > SUGGEST_MAX_NAME) continue;
    if (loose(c) === looseName) {
      scored.push({ c, d: 0 });
      continue;
    }
    if (Math.abs(c.length - name.length) > max) continue;
    cells += (name.length + 1) * (c.length + 1);
    if (cells > SUGGEST_MAX_CELLS) break;
    const d = editDistance(lower, c.toLowerCase());
    if (d <= max) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return scored.slice(0, limit).map(({ c }) => c);
}
