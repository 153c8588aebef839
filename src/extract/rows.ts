// Rows of a table template: which printed row a label names (by label fragment, group and wrap),
// and which format version a table's wording votes for.
import { TEMPLATES } from '../../parsers/index.ts';
import type { FormatTemplate, RowSpec, TableTemplate } from '../../parsers/index.ts';
import type { FormatVersion } from '../record.ts';

export interface Member extends RowSpec {
  /** The group this row belongs to, from template order (rows after an opener). */
  member: string | null;
  order: number;
}

function withMembership(t: TableTemplate): Member[] {
  let group: string | null = null;
  return t.rows.map((r, order) => {
    if (r.opensGroup) group = r.opensGroup === 'none' ? null : r.opensGroup;
    return { ...r, member: group, order };
  });
}
const MEMBERS = new Map<TableTemplate, Member[]>();
export const members = (t: TableTemplate): Member[] => {
  let m = MEMBERS.get(t);
  if (!m) MEMBERS.set(t, (m = withMembership(t)));
  return m;
};

/** A label cut by a line wrap right before its values ("行政规范性文" + values + "件") still names its row. */
const MIN_WRAPPED_PREFIX = 4;

/**
 * The row whose label fragment ends latest in the label text (closest to the values); ties → longer.
 * A fragment's wrapped prefix at the very end of the label counts too.
 */
export function matchRow(label: string, rows: Member[], group: string | null, cuts: number[] = []): Member | null {
  // Wrapped prefixes may end the label, or end just before its last one or two fragments.
  const ends = [label.length, ...cuts.slice(-3, -1).reverse()];
  let best: Member | null = null;
  let bestEnd = -1;
  let bestLen = 0;
  const consider = (row: Member, end: number, len: number) => {
    if (end > bestEnd || (end === bestEnd && len > bestLen)) {
      best = row;
      bestEnd = end;
      bestLen = len;
    }
  };
  for (const row of rows) {
    if (row.group && row.group !== group) continue;
    for (const l of row.labels) {
      const i = label.lastIndexOf(l);
      if (i >= 0) consider(row, i + l.length, l.length);
    }
  }
  // Wrapped prefixes only matter when no full label ends the text (the common case needs no search).
  if (bestEnd === label.length) return best;
  for (const row of rows) {
    if (row.group && row.group !== group) continue;
    for (const l of row.labels) {
      prefix: for (const end of ends) {
        for (let k = l.length - 1; k >= Math.max(MIN_WRAPPED_PREFIX, Math.ceil(0.6 * l.length)); k--) {
          if (label.slice(0, end).endsWith(l.slice(0, k))) {
            consider(row, end, k);
            break prefix;
          }
        }
      }
    }
  }
  return best;
}

/** Version whose markers occur most often in the table's text; null when none occurs. */
export function detectVersion(text: string, pick: (t: FormatTemplate) => TableTemplate): FormatVersion | null {
  let best: FormatVersion | null = null;
  let bestScore = 0;
  for (const t of TEMPLATES) {
    const score = pick(t).markers.filter((m) => text.includes(m)).length;
    if (score > bestScore) {
      best = t.version;
      bestScore = score;
    }
  }
  return best;
}

export const templateOf = (v: FormatVersion): FormatTemplate => TEMPLATES.find((t) => t.version === v)!;
