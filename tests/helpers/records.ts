// Hand-built records for rule tests: only the fields a rule reads.
import { parseValue } from '../../src/extract/value.ts';
import type { Cell, ReportRecord, TableId } from '../../src/record.ts';

const SOURCE: Cell['source'] = { page: null, table_index: 0, row_index: 0, col_index: 0, line: null, bbox: null };

export function record(opts: {
  agency?: string;
  year?: number;
  cells?: Record<string, string | number>;
  overview?: string;
  scope?: ReportRecord['report']['scope'];
  publish?: string | null;
  versions?: Partial<ReportRecord['report']['format_version']>;
}): ReportRecord {
  const cells: Cell[] = Object.entries(opts.cells ?? {}).map(([k, v]) => {
    const [table, row, col] = k.split('|') as [TableId, string, string];
    const p = parseValue(String(v));
    return { table, row, col, raw: String(v), kind: p.kind, value: p.value, unit: p.unit, source: SOURCE };
  });
  return {
    schema: 'nianbao.report/1',
    source: { path: 'x.html', url: null, sha256: '0'.repeat(64), media: 'html', encoding: 'utf-8' },
    report: {
      kind: 'ogi_annual_report',
      title: null,
      agency: opts.agency ?? '测试市人民政府',
      report_year: opts.year ?? 2023,
      year_source: 'title',
      publish_date: opts.publish ?? null,
      publish_date_source: opts.publish ? '发布时间' : null,
      index_no: null,
      format_version: { table2: 'v2021', table3: 'v2021', table4: 'v2021', ...opts.versions },
      tables_missing: [],
      scope: opts.scope ?? 'single',
    },
    cells,
    findings: [],
    warnings: [],
    narrative: { overview: opts.overview ?? null, other: null },
  };
}

/** A table-3 row of seven values. */
export function t3row(row: string, values: Array<number | string>): Record<string, string | number> {
  const cols = [
    'natural_person',
    'legal.commercial',
    'legal.research',
    'legal.social_welfare',
    'legal.legal_services',
    'legal.other',
    'total',
  ];
  return Object.fromEntries(cols.map((c, i) => [`table3|${row}|${c}`, values[i]!]));
}
