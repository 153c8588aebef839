// A report table in the official row order, as data: the terminal (`review show`) and the web desk
// draw it from here. Labels are the printed Chinese names of the templates, never canonical keys.
import { COLUMN_LABELS, TABLE3_COLS, TABLE4_COLS, TEMPLATES, printedLabel } from '../../parsers/index.ts';
import type { Cell, Finding, ReportRecord, TableId } from '../record.ts';

export const TABLE_NAMES: Record<TableId, string> = { table2: '表二', table3: '表三', table4: '表四' };

export interface GridCell {
  col: string;
  /** the column's printed name */
  label: string;
  /** false: this row has no such column in the template (table 2 blocks differ) */
  applies: boolean;
  cell: Cell | null;
  involved: boolean;
}

export interface TableGrid {
  table: TableId;
  version: string | null;
  cols: Array<{ key: string; label: string }>;
  rows: Array<{ key: string; label: string; cells: GridCell[] }>;
}

/** The rows and columns the template prints for this table (subtotal rows only when printed). */
export function tableGrid(record: ReportRecord, table: TableId, involved: Set<string>): TableGrid {
  const version = record.report.format_version[table] ?? (table === 'table4' ? 'v2021' : null);
  const template = TEMPLATES.find((t) => t.version === version) ?? TEMPLATES[0]!;
  const ix = new Map(record.cells.filter((c) => c.table === table).map((c) => [`${c.row}|${c.col}`, c]));
  const rows = template[table].rows.filter((r) => !r.subtotal || [...ix.keys()].some((k) => k.startsWith(`${r.key}|`)));
  const cols: readonly string[] =
    table === 'table3'
      ? TABLE3_COLS
      : table === 'table4'
        ? TABLE4_COLS
        : [...new Set(rows.flatMap((r) => r.cols ?? []))];
  return {
    table,
    version,
    cols: cols.map((c) => ({ key: c, label: COLUMN_LABELS[c] ?? c })),
    rows: rows.map((r) => {
      const rcols = table === 'table2' ? (r.cols ?? []) : cols;
      return {
        key: r.key,
        label: printedLabel(version, table, r.key),
        cells: cols.map((c) => ({
          col: c,
          label: COLUMN_LABELS[c] ?? c,
          applies: rcols.includes(c),
          cell: ix.get(`${r.key}|${c}`) ?? null,
          involved: involved.has(`${table}|${r.key}|${c}`),
        })),
      };
    }),
  };
}

/** What a cell shows: its number, (空) for a blank, else the printed text. */
export const cellText = (c: Cell | null): string =>
  !c ? '' : c.kind === 'number' ? String(c.value) : c.kind === 'blank' ? '(空)' : c.raw;

/** Where a cell was printed, in words. */
export function sourceText(c: Cell): string {
  const s = c.source;
  const parts = [
    s.page !== null ? `page ${s.page}` : null,
    s.table_index !== null ? `table ${s.table_index + 1}` : null,
    s.row_index !== null ? `row ${s.row_index + 1}` : null,
    s.col_index !== null ? `cell ${s.col_index + 1}` : null,
    s.line !== null ? `line ${s.line}` : null,
    s.bbox ? `bbox ${s.bbox.map((n) => Math.round(n)).join(',')}` : null,
    s.ocr ? `OCR ${Math.round((s.confidence ?? 0) * 100)}%` : null,
    s.resolved_by ? `resolved by ${s.resolved_by}` : null,
  ].filter(Boolean);
  return parts.join(', ') || 'position unknown';
}

/** The printed name of a cell: 表三「一、本年新收…」×「自然人」. */
export function cellName(version: string | null, table: TableId, row: string, col: string): string {
  return `${TABLE_NAMES[table]}「${printedLabel(version, table, row)}」×「${COLUMN_LABELS[col] ?? col}」`;
}

const ROW_KEYS = new Map<string, string>();
for (const t of TEMPLATES)
  for (const table of ['table2', 'table3', 'table4'] as const)
    for (const r of t[table].rows) if (!ROW_KEYS.has(r.key)) ROW_KEYS.set(r.key, printedLabel(t.version, table, r.key));

/**
 * A finding's message with canonical keys replaced by printed names: some rules name a row or a
 * cell by its key (「new_received」行, 「review/total」); the desk shows what the report prints.
 */
export function displayMessage(f: Pick<Finding, 'message' | 'cells'>, version: string | null = null): string {
  const table = f.cells[0]?.[0];
  const rowName = (k: string) => {
    const own = table ? printedLabel(version, table, k) : k;
    return own !== k ? own : (ROW_KEYS.get(k) ?? k);
  };
  return f.message
    .replace(/「([a-z_.0-9]+)\/([a-z_.0-9]+)」/g, (m, r: string, c: string) =>
      ROW_KEYS.has(r) ? `「${rowName(r)}」×「${COLUMN_LABELS[c] ?? c}」` : m,
    )
    .replace(/「([a-z_.0-9]+)」/g, (m, k: string) =>
      ROW_KEYS.has(k) ? `「${rowName(k)}」` : COLUMN_LABELS[k] ? `「${COLUMN_LABELS[k]}」` : m,
    )
    .replace(/\btable([234])\b/g, (_m, n: string) => TABLE_NAMES[`table${n}` as TableId]);
}
