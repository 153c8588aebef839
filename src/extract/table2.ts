// Table 2 (主动公开): blocks of rows whose columns differ per block; in PDFs, values placed under
// the header words of their block. Column headers come from the templates.
import type { FormatVersion } from '../record.ts';
import type { Segment } from './segment.ts';
import type { Token } from './tokens.ts';
import { Collector, putPositioned, trailingSpacers, trimBlanks, where, type TableReading } from './cells.ts';
import { columnWords, placeByPosition } from './columns.ts';
import { detectVersion, matchRow, members, templateOf } from './rows.ts';

/** Remember where each table-2 column header word sits (the latest block's header wins). */
function noteHeaderPositions(tokens: Token[], version: FormatVersion, into: Map<string, number>): void {
  const ws = columnWords(tokens.filter((t) => t.origin.bbox));
  for (const { key, header } of templateOf(version).table2.columns) {
    const w = ws.find((x) => header.test(x.text));
    if (w) into.set(key, w.x);
  }
}

export function readTable2(segments: Segment[]): TableReading {
  const out = new Collector('table2');
  const text = segments.map((s) => s.text).join('');
  const version = detectVersion(text, (t) => t.table2);
  out.printed = segments.some((s) => s.rows.length > 0);
  out.identified = version !== null;
  if (!version) {
    if (segments.some((s) => s.rows.length))
      out.warnings.push('table 2: neither the 2019 nor the 2021 column headers were found; table 2 not read');
    return out.result(null);
  }
  const rows = members(templateOf(version).table2);
  const matched = segments.flatMap((seg) =>
    seg.rows.map((raw) => ({ raw, spec: matchRow(raw.label, rows, null, raw.cuts) })),
  );
  const hint =
    trailingSpacers(
      matched.flatMap(({ raw, spec }) => (spec ? [{ values: raw.values, expected: spec.cols?.length ?? 0 }] : [])),
    ) ?? 0;
  // In flattened text a block's caption and header rows end with the same spacer cells as its
  // value rows (merged cells become tabs): they say how many trailing blanks are not cells.
  let blockSpacer: number | null = null;
  const headerX = new Map<string, number>();
  for (const { raw, spec } of matched) {
    if (!spec) {
      if (raw.rowMode && raw.values.length && raw.values.every((v) => v.kind === 'empty'))
        blockSpacer = raw.values.length;
      continue;
    }
    noteHeaderPositions(raw.labelTokens, version, headerX);
    {
      const cols = spec.cols ?? [];
      const values = trimBlanks(raw.values, cols.length, blockSpacer ?? hint);
      if (values.length < cols.length) {
        // Positioned text (PDF): a blank cell prints nothing; place values under their block's header.
        const centres = cols.map((c) => headerX.get(c) ?? null);
        const placed = placeByPosition(
          values.filter((v) => v.kind !== 'empty'),
          centres,
        );
        if (placed?.size) {
          putPositioned(out, spec.key, cols, placed, centres);
          continue;
        }
      }
      if (values.length !== cols.length) {
        out.warnings.push(
          `table 2 row ${spec.key}: ${values.length} values where ${cols.length} are expected${where(raw.values)}; row not read`,
        );
        out.dropped.push({ row: spec.key, cols, got: values.length });
        continue;
      }
      out.putRow(spec.key, cols, values);
    }
  }
  return out.result(version);
}
