// X-COPY: copies of one report (page, PDF, DOCX, scan) that print different values for one cell.
// The current copy's value is exported; the conflict goes to a person, never a silent choice.
import type { Cell, CellRef, Finding, ReportRecord, TableId } from '../record.ts';
import type { Rule } from './types.ts';

const TABLE_NAMES: Record<TableId, string> = { table2: '表二', table3: '表三', table4: '表四' };
/** How many differing cells a message lists before "…". */
const LISTED = 8;

/** The value a cell stands for in a comparison: its number, null for blank / placeholder, undefined for text. */
const statedValue = (c: Cell): number | null | undefined =>
  c.kind === 'number' ? c.value : c.kind === 'text' ? undefined : null;

/** Blank and 0 are the same statement (the blank policy); anything else that differs is a conflict. */
const differ = (a: number | null, b: number | null) => a !== b && !((a ?? 0) === 0 && (b ?? 0) === 0);

const where = (r: ReportRecord) => `${r.source.media} ${r.source.path ?? r.source.url ?? r.source.sha256.slice(0, 12)}`;

export function copyConflicts(current: ReportRecord, others: ReportRecord[]): Finding[] {
  const ix = new Map(current.cells.map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
  const byTable = new Map<
    TableId,
    Array<{ ref: CellRef; mine: number | null; theirs: number | null; other: ReportRecord; ocr: boolean }>
  >();
  for (const other of others) {
    if (other.source.sha256 === current.source.sha256) continue;
    for (const b of other.cells) {
      const a = ix.get(`${b.table}|${b.row}|${b.col}`);
      if (!a || (a.source.ocr && b.source.ocr)) continue; // two OCR readings: E-OCR already queues them
      const mine = statedValue(a);
      const theirs = statedValue(b);
      if (mine === undefined || theirs === undefined || !differ(mine, theirs)) continue;
      const list = byTable.get(b.table) ?? [];
      list.push({ ref: [b.table, b.row, b.col], mine, theirs, other, ocr: !!(a.source.ocr || b.source.ocr) });
      byTable.set(b.table, list);
    }
  }
  const out: Finding[] = [];
  for (const [table, diffs] of byTable) {
    const cells = [...new Map(diffs.map((d) => [d.ref.join('|'), d.ref])).values()].sort((x, y) =>
      x.join('|').localeCompare(y.join('|')),
    );
    const listed = diffs
      .slice(0, LISTED)
      .map((d) => `${d.ref[1]}/${d.ref[2]}: 本副本 ${d.mine ?? '空'}，${where(d.other)} ${d.theirs ?? '空'}`);
    const one = diffs.length === 1 ? diffs[0]! : null;
    out.push({
      rule: 'X-COPY',
      level: 'hard',
      status: 'fail',
      cells,
      left: one?.mine ?? null,
      right: one?.theirs ?? null,
      delta: one && one.mine !== null && one.theirs !== null ? one.mine - one.theirs : null,
      // An OCR reading is the likely culprit; between two text readings nobody can tell yet.
      blame: diffs.every((d) => d.ocr) ? 'extraction' : 'unknown',
      message: `${TABLE_NAMES[table]}在同一报告的不同副本中数值不同（导出的是 ${where(current)}）：${listed.join('；')}${diffs.length > LISTED ? `；等 ${diffs.length} 处` : ''}`,
    });
  }
  return out;
}

export const XCOPY: Rule = {
  id: 'X-COPY',
  level: 'hard',
  title: '同一报告的各副本（网页、PDF、DOCX、扫描件）同一单元格数值一致',
  check: ({ record, copies }) => copyConflicts(record, copies ?? []),
};
