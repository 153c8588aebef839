// Coverage: for each body × report year, what the store holds — so that "no data" is never read as
// "zero". The contract below is shared by the CLI (`nianbao coverage`), the web desk (/coverage) and
// the data package (the `coverage` layout).
import { bodyName } from '../ingest/identity.ts';
import { TABLES, type TableId } from '../record.ts';
import { effectiveRecord } from '../review/effective.ts';
import type { ReportRow, Store } from '../store/store.ts';

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
  /** The last report year expected (default: the last complete calendar year). */
  until?: number;
}

/** A registry source and its crawl health, as the crawler keeps them. */
export interface CoverageSource {
  id: string;
  agency: string;
  /** Its last crawl could not fetch its listing. */
  failing: boolean;
  error: string | null;
}

/** The first year of the current report format (the 2019 regulation). */
export const FIRST_YEAR = 2019;

interface Seen {
  body: string;
  source_id: string | null;
  year: number;
  report: ReportRow;
  missing: TableId[];
  entered: TableId[];
}

function statusOf(kind: string, missing: TableId[]): CoverageStatus {
  if (kind === 'pre2019_report') return 'pre2019';
  if (kind === 'not_a_report') return 'not_a_report';
  return missing.length ? 'partial' : 'complete';
}

function detailOf(s: Seen): string | null {
  const parts = [
    s.missing.length ? `unread: ${s.missing.join(', ')}` : null,
    s.entered.length ? `entered by hand: ${s.entered.join(', ')}` : null,
    s.report.agency_source && s.report.agency_source !== 'document' ? `agency from ${s.report.agency_source}` : null,
    s.report.agency_source ? null : 'publisher not identified',
  ].filter(Boolean);
  return parts.join('; ') || null;
}

/**
 * Every body (registry source or agency seen) × report year from 2019 to the last complete year,
 * plus the reports the store holds for other years (pre-2019 reports). A year without a report is a
 * row too (`not_found`, or `fetch_failed` when the source's last crawl failed): "no data" is never
 * an absent row that could be read as zero.
 */
export async function computeCoverage(
  store: Store,
  filter: CoverageFilter = {},
  /** The registry sources and their crawl health (default: the store's, from the crawls). */
  given?: CoverageSource[],
): Promise<CoverageRow[]> {
  const sources = given ?? (await store.sourceHealth());
  const until = filter.until ?? new Date().getUTCFullYear() - 1;
  const bySource = await store.reportsBySource();
  const sourceOf = new Map<number, string>();
  for (const src of sources)
    for (const id of bySource.get(src.id) ?? []) if (!sourceOf.has(id)) sourceOf.set(id, src.id);

  // What the store holds: one entry per report with a current reading and a year.
  const seen: Seen[] = [];
  for (const r of await store.allReports()) {
    if (r.current_run_id === null || r.report_year === null) continue;
    const sourceId = sourceOf.get(r.id) ?? null;
    if (r.kind === 'not_a_report' && !sourceId) continue; // not a report, and of no known body
    const record = await effectiveRecord(store, r);
    const entered = TABLES.filter((t) => record?.cells.some((c) => c.table === t && c.corrected));
    // Only an OGI report under the 2019 rules has tables to miss.
    const missing =
      r.kind === 'ogi_annual_report'
        ? ((record?.report.tables_missing ?? []) as TableId[]).filter((t) => !entered.includes(t))
        : [];
    seen.push({
      body: r.agency ?? r.report_key,
      source_id: sourceId,
      year: r.report_year,
      report: r,
      missing,
      entered,
    });
  }
  // A source's body is its registry agency; its reports printed under another name (三明市 for
  // 三明市人民政府) count as its own when the source found no other body's reports.
  for (const src of sources) {
    const mine = seen.filter((x) => x.source_id === src.id);
    const names = new Set(mine.filter((x) => x.report.agency_source).map((x) => x.report.agency));
    for (const x of mine)
      if (!x.report.agency_source || names.size === 1 || bodyName(x.report.agency) === bodyName(src.agency))
        x.body = src.agency;
  }
  // A document that is not a report says something only for a year no report stands for.
  const reported = new Set(seen.filter((x) => x.report.kind !== 'not_a_report').map((x) => `${x.body}|${x.year}`));
  const shown = new Set<string>();
  const kept = seen.filter((x) => {
    if (x.report.kind !== 'not_a_report') return true;
    const k = `${x.body}|${x.year}`;
    if (reported.has(k) || shown.has(k)) return false;
    shown.add(k);
    return true;
  });

  const rows: CoverageRow[] = kept.map((x) => ({
    body: x.body,
    source_id: x.source_id,
    year: x.year,
    status: statusOf(x.report.kind, x.missing),
    report_id: x.report.id,
    tables_missing: x.missing,
    detail: detailOf(x),
  }));
  // The gaps: every body × year since 2019 that no report stands for.
  const bodies = new Map<string, CoverageSource | null>();
  for (const src of sources) bodies.set(src.agency, src);
  for (const x of seen) if (x.report.agency_source && !bodies.has(x.body)) bodies.set(x.body, null);
  const held = new Set(kept.map((x) => `${x.body}|${x.year}`));
  for (const [body, src] of bodies) {
    for (let year = FIRST_YEAR; year <= until; year++) {
      if (held.has(`${body}|${year}`)) continue;
      rows.push({
        body,
        source_id: src?.id ?? null,
        year,
        status: src?.failing ? 'fetch_failed' : 'not_found',
        report_id: null,
        tables_missing: [],
        detail: src?.failing
          ? `the source could not be fetched${src.error ? `: ${src.error}` : ''}`
          : src
            ? "no report for this year in the source's listing"
            : 'no report for this year in the store (no registry source names this body)',
      });
    }
  }
  return rows
    .filter(
      (r) => (filter.year === undefined || r.year === filter.year) && (!filter.source || r.source_id === filter.source),
    )
    .sort((a, b) => a.body.localeCompare(b.body, 'zh') || a.year - b.year || (a.report_id ?? 0) - (b.report_id ?? 0));
}
