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

/**
 * Place each value of a short row into the column whose centre is nearest, if that is unambiguous
 * (closer than 45 % of the distance to the neighbouring centre). Returns column index → token, or
 * null when any value cannot be placed for sure.
 */
export function placeByPosition(values: Token[], centres: Array<number | null>): Map<number, Token> | null {
  const known = centres.map((c, i) => [c, i] as const).filter((p): p is readonly [number, number] => p[0] !== null);
  if (known.length < 2) return null;
  const placed = new Map<number, Token>();
  for (const v of values) {
    const x = centre(v);
    if (x === null || v.kind !== 'value') return null;
    const order = [...known].sort((a, b) => Math.abs(a[0] - x) - Math.abs(b[0] - x));
    const [best, second] = order;
    const spacing = Math.min(...known.slice(1).map((k, i) => k[0] - known[i]![0]));
    if (!best || (second && Math.abs(best[0] - x) > 0.45 * Math.abs(second[0] - best[0])) || Math.abs(best[0] - x) > 0.45 * spacing) return null;
    if (placed.has(best[1])) return null;
    placed.set(best[1], v);
  }
  return placed;
}
