// What a printed fixture cell means, decided from the generator's own vocabulary (tests/render/
// arbitrary.ts prints counts, "+n"/"-n"/"增n"/"减n", decimals and a few placeholders) — never by
// asking the code under test. A blank or placeholder is null.
export function expectedValue(printed: string): number | null {
  const s = printed.trim();
  if (s === '' || ['-', '—', '/', '无'].includes(s)) return null;
  const m = /^(\+|-|增|减)?(\d+(?:\.\d+)?)$/.exec(s);
  if (!m) throw new Error(`fixture printed "${printed}", which the generator never prints`);
  const n = Number(m[2]);
  return m[1] === '-' || m[1] === '减' ? -n : n;
}

/** Cells of a fixture grouped by printed row: `table|row` → [col, printed][] in printed order. */
export function fixtureRows(cells: Map<string, string>): Map<string, Array<[string, string]>> {
  const rows = new Map<string, Array<[string, string]>>();
  for (const [key, printed] of cells) {
    const [t, r, c] = key.split('|') as [string, string, string];
    const k = `${t}|${r}`;
    rows.set(k, [...(rows.get(k) ?? []), [c, printed]]);
  }
  return rows;
}
