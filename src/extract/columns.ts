// Column positions for positioned text (PDF): where each column's header word sits, refined by
// rows that print every value. Rows that print fewer values (blank cells leave no text) are then
// read by position, but only when every value falls unambiguously into one column.
import { normalizeLabel } from './normalize.ts';
import type { Token } from './tokens.ts';

export interface ColumnSpec {
  key: string;
  /** Whether a header word names this column. */
  matches: (word: string) => boolean;
}

interface Word {
  text: string;
  x: number;
}

const centre = (t: Token): number | null => (t.origin.bbox ? (t.origin.bbox[0] + t.origin.bbox[2]) / 2 : null);

/** Split header tokens into words; words merged into one run get x estimated from character widths. */
export function columnWords(header: Token[]): Word[] {
  const out: Word[] = [];
  for (const t of header) {
    const b = t.origin.bbox;
    if (!b) continue;
    const text = t.text.normalize('NFKC').trim();
    const parts = text.split(/\s+/);
    if (parts.length === 1) {
      out.push({ text: normalizeLabel(parts[0]!), x: (b[0] + b[2]) / 2 });
      continue;
    }
    const perChar = (b[2] - b[0]) / text.length;
    let at = 0;
    for (const p of parts) {
      const start = text.indexOf(p, at);
      out.push({ text: normalizeLabel(p), x: b[0] + perChar * (start + p.length / 2) });
      at = start + p.length;
    }
  }
  return out;
}

/**
 * Column centres (null where unknown): from header words in x order, then from rows that print all
 * columns, which override the estimates.
 */
export function columnCentres(header: Token[], cols: ColumnSpec[], fullRows: Token[][]): Array<number | null> {
  const ws = columnWords(header);
  const centres: Array<number | null> = cols.map((c) => ws.find((w) => c.matches(w.text))?.x ?? null);
  const rows = fullRows.filter((r) => r.length === cols.length && r.every((t) => centre(t) !== null));
  if (rows.length) {
    cols.forEach((_, i) => {
      centres[i] = rows.reduce((a, r) => a + centre(r[i]!)!, 0) / rows.length;
    });
  }
  // Known centres must increase left to right; otherwise the header was misread.
  const known = centres.filter((c): c is number => c !== null);
  return known.every((c, i) => i === 0 || c > known[i - 1]!) ? centres : cols.map(() => null);
}

/** Combinations of k indexes out of n, in order (small n only: tables have at most 15 columns). */
function* choose(n: number, k: number, from = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) {
    yield acc;
    return;
  }
  for (let i = from; i <= n - (k - acc.length); i++) yield* choose(n, k, i + 1, [...acc, i]);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Place the values of a short row (blank cells print nothing) into columns. Values and columns are
 * both in x order, so a reading is a choice of which columns are empty; each reading may shift all
 * values by one small common offset (headers aligned differently from numbers). A reading is taken
 * only when it fits closely and clearly better than any other. Returns column index → token, or null.
 */
export function placeByPosition(values: Token[], centres: Array<number | null>): Map<number, Token> | null {
  const known = centres.map((c, i) => [c, i] as const).filter((p): p is readonly [number, number] => p[0] !== null);
  if (known.length < 2 || !values.length || values.length > known.length) return null;
  const xs = values.map(centre);
  if (xs.some((x) => x === null) || values.some((v) => v.kind !== 'value')) return null;
  // The typical distance between neighbouring columns scales every tolerance.
  const spacing = median(known.slice(1).map((k, i) => k[0] - known[i]![0]));
  const scored: Array<{ combo: number[]; cost: number; worst: number }> = [];
  for (const combo of choose(known.length, values.length)) {
    const diffs = combo.map((j, i) => xs[i]! - known[j]![0]);
    const offset = median(diffs);
    if (Math.abs(offset) > 0.45 * spacing) continue;
    const residuals = diffs.map((d) => Math.abs(d - offset));
    scored.push({ combo, cost: residuals.reduce((a, b) => a + b, 0), worst: Math.max(...residuals) });
  }
  scored.sort((a, b) => a.cost - b.cost);
  const [best, second] = scored;
  if (!best || best.worst > 0.35 * spacing || (second && second.cost - best.cost < 0.5 * spacing)) return null;
  return new Map(best.combo.map((j, i) => [known[j]![1], values[i]!]));
}
