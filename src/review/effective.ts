// Effective values: the extracted record with audited corrections applied. The extracted cell is
// kept (in `corrected`), the effective value is the corrected one.
import type { Cell, ReportRecord } from '../record.ts';
import { bodyName } from '../ingest/identity.ts';
import type { CorrectionRow, ReportRow, Store } from '../store/store.ts';

const NO_SOURCE: Cell['source'] = {
  page: null,
  table_index: null,
  row_index: null,
  col_index: null,
  line: null,
  bbox: null,
};

export function applyCorrections(record: ReportRecord, corrections: CorrectionRow[]): ReportRecord {
  if (!corrections.length) return record;
  const cells = record.cells.map((c) => ({ ...c }));
  const byKey = new Map(cells.map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
  for (const k of corrections) {
    const key = `${k.tbl}|${k.row_key}|${k.col_key}`;
    let cell = byKey.get(key);
    if (!cell) {
      // A correction may add a cell the extractor left out (a row it could not read).
      cell = {
        table: k.tbl as Cell['table'],
        row: k.row_key,
        col: k.col_key,
        value: null,
        raw: '',
        kind: 'blank',
        unit: null,
        source: NO_SOURCE,
      };
      cells.push(cell);
      byKey.set(key, cell);
    }
    cell.corrected = {
      correction_id: k.id,
      extracted_value: cell.corrected?.extracted_value ?? cell.value,
      extracted_kind: cell.corrected?.extracted_kind ?? cell.kind,
    };
    cell.value = k.new_value;
    cell.kind = 'number';
  }
  return { ...record, report: { ...record.report, format_version: entered(record, cells) }, cells };
}

/**
 * A table entered by hand (the copy did not contain it) takes the format its report's other tables
 * are in, when they agree, so that rules and exports read it in the right template.
 */
function entered(record: ReportRecord, cells: Cell[]): ReportRecord['report']['format_version'] {
  const fv = { ...record.report.format_version };
  const known = [...new Set(Object.values(fv).filter((v) => v !== null))];
  for (const t of new Set(cells.filter((c) => c.corrected).map((c) => c.table)))
    if (fv[t] === null && known.length === 1) fv[t] = known[0]!;
  return fv;
}

/**
 * The report's identity over the copy's own reading: every copy of a report shows the agency and
 * year ingest established (printed, inherited from the linking page, another copy or the registry),
 * and a string that is not a body's name (a title fragment such as "年") is never shown as one.
 */
export function withIdentity(record: ReportRecord, report: ReportRow): ReportRecord {
  const agency = report.agency_source ? report.agency : bodyName(record.report.agency);
  const year = report.agency_source ? report.report_year : record.report.report_year;
  if (agency === record.report.agency && year === record.report.report_year) return record;
  return { ...record, report: { ...record.report, agency, report_year: year } };
}

/** The current run's record of a report with its identity and active corrections applied. */
export async function effectiveRecord(store: Store, report: ReportRow): Promise<ReportRecord | null> {
  if (report.current_run_id === null) return null;
  const record = await store.runRecord(report.current_run_id);
  return record ? withIdentity(applyCorrections(record, await store.activeCorrections(report.id)), report) : null;
}
