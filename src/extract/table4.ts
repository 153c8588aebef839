// Table 4 (行政复议、行政诉讼): one wide row of fifteen values, or three labelled rows of five.
import { TABLE4_COLS } from '../../parsers/index.ts';
import type { FormatVersion } from '../record.ts';
import type { Segment } from './segment.ts';
import type { Token } from './tokens.ts';
import { blankAt, Collector, makeCell, trailingSpacers, trimBlanks, where, type TableReading } from './cells.ts';
import { columnWords, placeByPosition } from './columns.ts';
import { members, templateOf } from './rows.ts';

export function readTable4(
  segments: Segment[],
  version: FormatVersion | null,
  spacersElsewhere: number | null = null,
): TableReading {
  const out = new Collector('table4');
  out.printed = segments.some((s) => s.rows.length > 0);
  // Table 4 is the same in both formats: its own header (行政复议 … 尚未审结) identifies it.
  out.identified = out.printed && version !== null;
  const rows = members(templateOf(version ?? 'v2021').table4);
  const wide = rows.flatMap((r) => (r.cols ?? TABLE4_COLS).map((c) => [r.key, c] as const));
  // One value row cannot teach its own spacers: use what the document's table 3 showed.
  const hint =
    trailingSpacers(
      segments.flatMap((seg) => seg.rows.map((raw) => ({ values: raw.values, expected: wide.length }))),
    ) ??
    spacersElsewhere ??
    0;
  let cached: Array<number | null> | null = null;
  const t4centres = () =>
    (cached ??= table4Centres(
      segments.flatMap((s) => s.header),
      wide.length,
    ));
  for (const seg of segments) {
    for (const raw of seg.rows) {
      // Word text loses row ends: the value row then carries one empty field at each end.
      const framed =
        raw.values.length === wide.length + 2 && raw.values[0]!.kind === 'empty' && raw.values.at(-1)!.kind === 'empty';
      const values = framed ? raw.values.slice(1, -1) : trimBlanks(raw.values, wide.length, hint);
      if (values.length === wide.length) {
        for (const [i, [row, col]] of wide.entries()) out.put(makeCell('table4', row, col, values[i]!));
        continue;
      }
      const five = trimBlanks(raw.values, TABLE4_COLS.length, hint);
      // A run of five belongs to a row only when its label names exactly one of the three rows
      // (split tables); under the full three-row header it is a wide row missing values.
      const named = rows.filter((r) => r.labels.some((l) => raw.label.includes(l)));
      const spec = five.length === TABLE4_COLS.length && named.length === 1 ? named[0]! : null;
      if (spec) {
        out.putRow(spec.key, TABLE4_COLS, five);
        continue;
      }
      const placed =
        values.length < wide.length
          ? placeByPosition(
              values.filter((v) => v.kind !== 'empty'),
              t4centres(),
            )
          : null;
      if (placed?.size) {
        const any = [...placed.values()][0]!;
        const first = Math.min(...placed.keys());
        const last = Math.max(...placed.keys());
        wide.forEach(([row, col], i) => {
          const tok = placed.get(i);
          if (tok) out.put(makeCell('table4', row, col, tok, 'column_position'));
          else if (i > first && i < last) out.put(blankAt('table4', row, col, any));
        });
        continue;
      }
      if (raw.values.some((v) => v.kind === 'value')) {
        out.warnings.push(
          `table 4: ${raw.values.length} values where 15 (or 5 per labelled row) are expected${where(raw.values)}; not read`,
        );
        out.dropped.push({ row: null, cols: wide.map(([r, c]) => `${r}.${c}`), got: raw.values.length });
      }
    }
  }
  return out.result(out.cells.length || out.identified ? version : null);
}

/** Header words of the five result columns (from the template). */
const HEADS = templateOf('v2021').table4.columns.map((c) => c.header);

/** Table 4's fifteen column centres from its third header row (维持 纠正 其他 审结 总计, three times). */
function table4Centres(header: Token[], n: number): Array<number | null> {
  const heads = header.filter((t) => t.origin.bbox);
  // Every header word that names a result column, in x order; all fifteen or none.
  // Wrapped headers ("结果/维持", "其他结/果", "尚未/审结") give one or two pieces per column;
  // pieces of one column share its x.
  const xs = columnWords(heads)
    .filter((w) => HEADS.some((h) => h.test(w.text)))
    .map((w) => w.x)
    .sort((a, b) => a - b);
  const distinct = xs.filter((x, i) => i === 0 || x - xs[i - 1]! > 6);
  return distinct.length === n ? distinct : Array.from({ length: n }, () => null);
}
