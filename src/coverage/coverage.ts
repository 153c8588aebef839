// Coverage: for each body × report year, what the store holds — so that "no data" is never read as
// "zero". The contract below is shared by the CLI (`nianbao coverage`), the web desk (/coverage) and
// the data package (the `coverage` layout).
import type { TableId } from '../record.ts';
import type { Store } from '../store/store.ts';

export type CoverageStatus =
  /** all three tables read */
  | 'complete'
  /** a report, some tables unread (named in `tables_missing`) */
  | 'partial'
  /** a report under the pre-2019 rules: no tables to read */
  | 'pre2019'
  /** the document for that year is not an OGI annual report */
  | 'not_a_report'
  /** the source's listing should hold this year but does not */
  | 'not_found'
  /** the source could not be fetched in its last run */
  | 'fetch_failed';

export interface CoverageRow {
  /** the body: the registry source's agency, else the agency the report prints */
  body: string;
  source_id: string | null;
  year: number;
  status: CoverageStatus;
  report_id: number | null;
  tables_missing: TableId[];
  /** why, in a few words (which tables, which error) */
  detail: string | null;
}

export interface CoverageFilter {
  source?: string;
  year?: number;
}

/** Coverage from the reports in the store (the crawl's gaps are added where the store knows them). */
export async function computeCoverage(store: Store, filter: CoverageFilter = {}): Promise<CoverageRow[]> {
  const rows: CoverageRow[] = [];
  for (const r of await store.allReports()) {
    if (!r.agency || r.report_year === null || r.current_run_id === null) continue;
    if (filter.year !== undefined && r.report_year !== filter.year) continue;
    const record = await store.runRecord(r.current_run_id);
    const missing = (record?.report.tables_missing ?? []) as TableId[];
    const status: CoverageStatus =
      r.kind === 'pre2019_report'
        ? 'pre2019'
        : r.kind === 'not_a_report'
          ? 'not_a_report'
          : missing.length
            ? 'partial'
            : 'complete';
    rows.push({
      body: r.agency,
      source_id: null,
      year: r.report_year,
      status,
      report_id: r.id,
      tables_missing: missing,
      detail: missing.length ? `unread: ${missing.join(', ')}` : null,
    });
  }
  return rows.sort((a, b) => a.body.localeCompare(b.body, 'zh') || a.year - b.year);
}
