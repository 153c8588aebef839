// Research output: effective cells in long form, one row per (report, table, row, col).
import type { Cell, ReportRecord } from '../record.ts';
import { effectiveRecord } from '../review/effective.ts';
import type { Store } from '../store/store.ts';

export const EXPORT_COLUMNS = [
  'report_id',
  'report_key',
  'agency',
  'report_year',
  'kind',
  'format_version',
  'table',
  'row',
  'col',
  'value',
  'kind_of_value',
  'raw',
  'unit',
  'corrected',
  'extracted_value',
  'open_findings',
  'source_sha256',
  'source_location',
] as const;
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | null>;

type Report = { id: number; report_key: string };
type Item = { id: number; report_id: number; rule: string; finding_json: string };

/** Open review items by the cells they involve: `report_id|table|row|col` → `RULE#id`s. */
export function flaggedCells(items: Iterable<Item>): Map<string, Set<string>> {
  const flagged = new Map<string, Set<string>>();
  for (const item of items) {
    const { finding } = JSON.parse(item.finding_json) as { finding: { cells: string[][] } };
    for (const c of finding.cells) {
      const k = `${item.report_id}|${c.join('|')}`;
      flagged.set(k, (flagged.get(k) ?? new Set()).add(`${item.rule}#${item.id}`));
    }
  }
  return flagged;
}

/** One effective cell in long form (the `cells` layout adds its column name and the body). */
export function longCellRow(
  report: Report,
  record: ReportRecord,
  c: Cell,
  flagged: Map<string, Set<string>>,
): ExportRow {
  return {
    report_id: report.id,
    report_key: report.report_key,
    agency: record.report.agency,
    report_year: record.report.report_year,
    kind: record.report.kind,
    format_version: record.report.format_version[c.table],
    table: c.table,
    row: c.row,
    col: c.col,
    value: c.value,
    kind_of_value: c.kind,
    raw: c.raw,
    unit: c.unit,
    corrected: !!c.corrected,
    extracted_value: c.corrected ? c.corrected.extracted_value : c.value,
    open_findings: [...(flagged.get(`${report.id}|${c.table}|${c.row}|${c.col}`) ?? [])].join(';') || null,
    source_sha256: record.source.sha256,
    source_location: record.source.path ?? record.source.url,
  };
}

export async function* exportRows(store: Store): AsyncGenerator<ExportRow> {
  const open = await store.openItemsByReport();
  for (const report of await store.allReports()) {
    if (report.kind !== 'ogi_annual_report') continue;
    const record: ReportRecord | null = await effectiveRecord(store, report);
    if (!record) continue;
    const flagged = flaggedCells(open.get(report.id) ?? []);
    for (const c of record.cells) yield longCellRow(report, record, c, flagged);
  }
}

const csvField = (v: string | number | boolean | null): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvLine = (row: ExportRow): string => EXPORT_COLUMNS.map((c) => csvField(row[c])).join(',');
export const csvHeader = (): string => EXPORT_COLUMNS.join(',');
