// `nianbao coverage [--source S] [--year Y] [--json|--csv]`: for each body × report year, what the
// store holds — complete, partial (which tables unread), pre2019, not_a_report, not_found,
// fetch_failed. Read-only.
import { type CoverageRow, computeCoverage } from '../coverage/coverage.ts';
import { openStore } from '../store/open.ts';

const COLUMNS = ['body', 'source_id', 'year', 'status', 'report_id', 'tables_missing', 'detail'] as const;

const csvField = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.join(';') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function coverageCsv(rows: CoverageRow[]): string {
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(','))].join('\n');
}

export async function runCoverage(opts: {
  db: string;
  source?: string;
  year?: string;
  json?: boolean;
  csv?: boolean;
}): Promise<number> {
  if (opts.json && opts.csv) throw new Error('--json and --csv exclude each other');
  const year = opts.year === undefined ? undefined : Number(opts.year);
  if (year !== undefined && !Number.isInteger(year)) throw new Error(`--year must be a year (got ${opts.year})`);
  const store = await openStore(opts.db, { mustExist: true });
  let rows: CoverageRow[];
  try {
    rows = await computeCoverage(store, { source: opts.source, year });
  } finally {
    await store.close();
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
  else if (opts.csv) process.stdout.write(`${coverageCsv(rows)}\n`);
  else
    for (const r of rows)
      process.stdout.write(
        `${r.body}\t${r.year}\t${r.status}${r.report_id !== null ? `\t#${r.report_id}` : '\t-'}${r.detail ? `\t${r.detail}` : ''}\n`,
      );
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  process.stderr.write(
    `${rows.length} body-years: ${count('complete')} complete, ${count('partial')} partial, ${count('pre2019')} pre2019, ${count('not_a_report')} not a report, ${count('not_found')} not found, ${count('fetch_failed')} fetch failed\n`,
  );
  return 0;
}
