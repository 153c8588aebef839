// Table 3 (依申请公开): seven columns (eight where a local template prints a subtotal), rows by label
// within their group; a surplus value resolved only by the row sum; label-less rows by form order.
import { TABLE3_APPLICANT_COLS, TABLE3_COLS } from '../../parsers/index.ts';
import type { FormatVersion } from '../record.ts';
import type { Segment } from './segment.ts';
import type { Token } from './tokens.ts';
import { parseValue } from './value.ts';
import { Collector, putPositioned, trailingSpacers, trimBlanks, where, type TableReading } from './cells.ts';
import { columnCentres, placeByPosition, type ColumnSpec } from './columns.ts';
import { detectVersion, matchRow, members, templateOf, type Member } from './rows.ts';

/** Header words that name each column (from the templates), for positions in PDFs. */
const T3_HEADER: ColumnSpec[] = templateOf('v2021').table3.columns.map(({ key, header }) => ({
  key,
  matches: (w: string) => header.test(w),
}));

const V2021_T3 = templateOf('v2021').table3;

/** Table 3 columns as printed: the seven of the form, plus `legal.subtotal` where a local template adds it. */
function table3Columns(text: string): readonly string[] {
  const i = text.indexOf('小计');
  if (i < 0) return TABLE3_COLS;
  const cols: string[] = [...TABLE3_APPLICANT_COLS];
  // 小计 printed before the five legal columns, or after them.
  cols.splice(i < text.indexOf('商业企业') ? 1 : 6, 0, 'legal.subtotal');
  return [...cols, 'total'];
}

/** Row sum check used to choose between readings of a run with one value too many. */
function rowSumHolds(values: number[], cols: readonly string[]): boolean {
  const total = values[cols.indexOf('total')];
  if (total === undefined) return false;
  const parts = cols.map((c, i) => (TABLE3_APPLICANT_COLS.includes(c as never) ? values[i]! : 0));
  return parts.reduce((a, b) => a + b, 0) === total;
}

/**
 * A run with one value more than the columns: try dropping each position; accept only when every
 * reading that satisfies the row sum gives the same values (the sums choose, and we say so).
 */
function resolveSurplus(values: Token[], cols: readonly string[]): Token[] | null {
  if (values.length !== cols.length + 1) return null;
  let chosen: Token[] | null = null;
  let chosenKey: string | null = null;
  for (let drop = 0; drop < values.length; drop++) {
    // Only a doubled value may go (the copy printed one cell twice): dropping any other value
    // could let a publisher's wrong total "prove" a reading that hides it.
    const v = values[drop]!.text.trim();
    if (v !== values[drop - 1]?.text.trim() && v !== values[drop + 1]?.text.trim()) continue;
    const cand = values.filter((_, i) => i !== drop);
    const nums = cand.map((t) => parseValue(t.text).value);
    if (nums.some((n) => n === null)) continue;
    if (!rowSumHolds(nums as number[], cols)) continue;
    const key = nums.join(',');
    if (chosenKey !== null && key !== chosenKey) return null;
    chosen ??= cand;
    chosenKey = key;
  }
  return chosen;
}

export function readTable3(segments: Segment[], fallback: FormatVersion | null): TableReading {
  const out = new Collector('table3');
  const text = segments.map((s) => s.text).join('');
  const cols = table3Columns(text);
  const n = cols.length;
  let version: FormatVersion | null = detectVersion(text, (t) => t.table3);
  out.printed = segments.some((s) => s.rows.length > 0);
  // No v2021 marker: the (六) row printing its own numbers makes it v2019.
  const rows2019 = members(templateOf('v2019').table3);
  if (!version) {
    const hasOther = segments.some((s) =>
      s.rows.some(
        (r) =>
          matchRow(r.label, rows2019, null)?.key === 'results.other.total' && r.values.some((v) => v.kind === 'value'),
      ),
    );
    version = hasOther ? 'v2019' : segments.some((s) => s.rows.length) ? fallback : null;
    out.identified = hasOther;
  } else out.identified = true;
  if (!version) return out.result(null);
  const rows = members(version === 'v2021' ? V2021_T3 : templateOf('v2019').table3);
  let group: string | null = null;
  let last: Member | null = null;
  const orphans: Orphan[] = [];

  const hint =
    trailingSpacers(segments.flatMap((seg) => seg.rows.map((raw) => ({ values: raw.values, expected: n })))) ?? 0;
  out.spacers = hint;
  let cached: Array<number | null> | null = null;
  const centres = () =>
    (cached ??= columnCentres(
      segments.flatMap((s) => s.header),
      T3_HEADER,
      segments.flatMap((s) => s.rows.map((r) => r.values)),
    ));
  for (const seg of segments) {
    for (const raw of seg.rows) {
      let runs = [trimBlanks(raw.values, n, hint)];
      // One-per-line dumps can run two rows' values together when a label line is missing.
      if (!raw.rowMode && runs[0]!.length > n && runs[0]!.length % n === 0) {
        runs = [];
        for (let i = 0; i < raw.values.length; i += n) runs.push(raw.values.slice(i, i + n));
      }
      runs.forEach((values, k) => {
        const spec = k === 0 ? matchRow(raw.label, rows, group, raw.cuts) : null;
        let resolved: string | undefined;
        if (values.length === n + 1) {
          const fixed = resolveSurplus(values, cols);
          if (fixed) {
            values = fixed;
            resolved = 'row_sum';
            out.warnings.push(
              `table 3 row ${spec?.key ?? '?'}: ${n + 1} values for ${n} columns${where(values)}; the reading that satisfies the row sum was taken`,
            );
          }
        }
        if (values.length < n && spec && n === TABLE3_COLS.length) {
          // Positioned text (PDF): blank cells print nothing, so place the values by column.
          const placed = placeByPosition(
            values.filter((v) => v.kind !== 'empty'),
            centres(),
          );
          if (placed?.size) {
            group = spec.member;
            last = spec;
            putPositioned(out, spec.key, cols, placed, centres());
            return;
          }
        }
        if (values.length !== n) {
          if (spec || values.some((v) => v.kind === 'value')) {
            out.warnings.push(
              `table 3 row ${spec?.key ?? `"${raw.label.slice(-24)}"`}: ${values.length} values where ${n} are expected${where(values)}; row not read`,
            );
            out.dropped.push({ row: spec?.key ?? null, cols, got: values.length });
          }
          if (spec) {
            last = spec;
            group = spec.member;
          }
          return;
        }
        if (!spec) {
          orphans.push({ after: last, values, label: raw.label });
          return;
        }
        group = spec.member;
        last = spec;
        out.putRow(spec.key, cols, values, resolved);
      });
    }
  }
  // Label-less rows (wrapped labels lost in a dump): place them only when they fill the gap between
  // two read rows exactly, in form order.
  placeOrphans(orphans, rows, cols, out);
  return out.result(version);
}

/** A run of values whose label was not recognised, and the last row read before it. */
interface Orphan {
  after: Member | null;
  values: Token[];
  label: string;
}

function placeOrphans(orphans: Orphan[], rows: Member[], cols: readonly string[], out: Collector): void {
  const required = rows.filter((r) => !r.subtotal);
  const byAfter = new Map<Member | null, typeof orphans>();
  for (const o of orphans) byAfter.set(o.after, [...(byAfter.get(o.after) ?? []), o]);
  for (const [after, list] of byAfter) {
    const start = after ? required.indexOf(after) + 1 : 0;
    let end = start;
    while (end < required.length && !out.has(required[end]!.key)) end++;
    const gap = required.slice(start, end);
    if (gap.length !== list.length || end >= required.length) {
      for (const o of list) {
        out.warnings.push(
          `table 3: a row of values with no recognisable label${where(o.values)} ("${o.label.slice(-20)}"); not read`,
        );
        out.dropped.push({ row: null, cols, got: o.values.length });
      }
      continue;
    }
    list.forEach((o, i) => {
      out.putRow(gap[i]!.key, cols, o.values, 'row_order');
      out.warnings.push(
        `table 3 row ${gap[i]!.key}: label missing in this copy${where(o.values)}; placed by form order between its neighbours`,
      );
    });
  }
}
