// `nianbao export --format csv|jsonl|parquet --out DIR`: the data package. One file per layout
// (DIR/<layout>.<ext>) and DIR/datapackage.json (Frictionless Tabular Data Package v1) whose schema
// is the data dictionary.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PARSER_VERSION, TEMPLATES } from '../../parsers/index.ts';
import { DIVISIONS_SOURCE } from '../bodies/divisions.ts';
import { ensureBodies } from '../bodies/resolve.ts';
import type { Store } from '../store/store.ts';
import type { FieldSpec } from './dictionary.ts';
import {
  bodyRows,
  cellRows,
  coverageRows,
  type ExportFilter,
  fieldsOf,
  filteredBodyIds,
  findingRows,
  LAYOUTS,
  type Layout,
  reportPages,
  reportRows,
} from './layouts.ts';
import { type ExportFormat, type Row, tableWriter } from './writers.ts';

const EXT: Record<ExportFormat, string> = { csv: 'csv', jsonl: 'jsonl', parquet: 'parquet' };
const MEDIATYPE: Record<ExportFormat, string> = {
  csv: 'text/csv',
  jsonl: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
};

const LAYOUT_DESCRIPTIONS: Record<Layout, { title: string; description: string; primaryKey?: string[] }> = {
  cells: {
    title: 'Cells (long)',
    description:
      'One row per report × printed cell (OGI annual reports), effective values, with the body and its region.',
  },
  reports: {
    title: 'Reports (wide)',
    description:
      'One row per report (a body and year; the copies of one report are one row): identity, metadata, publisher compliance and one column per canonical cell. A cell not printed as a number is null, never 0.',
    primaryKey: ['report_id'],
  },
  findings: {
    title: 'Findings',
    description: 'Every stored finding of every report with its review status and decision.',
    primaryKey: ['finding_id'],
  },
  coverage: {
    title: 'Coverage',
    description: 'Body × year: what the store holds, so that no data is never read as zero (src/coverage).',
  },
  bodies: {
    title: 'Bodies',
    description:
      'Body identities: stable id, canonical name, aliases, level, GB/T 2260 region code and parent government, each with its source (given / inferred:<how> / person:<who>).',
    primaryKey: ['body_id'],
  },
};

/** A Table Schema field descriptor: Frictionless keys plus the dictionary's own. */
function fieldDescriptor(f: FieldSpec): Record<string, unknown> {
  const { name, type, description, ...rest } = f;
  return { name, type, description, ...rest };
}

export function dataPackage(format: ExportFormat, filter: ExportFilter, created: string): Record<string, unknown> {
  return {
    profile: 'tabular-data-package',
    name: 'nianbao-ogi-annual-reports',
    title: '政府信息公开工作年度报告 statistical tables (nianbao)',
    description:
      'Tables 2–4 of China’s OGI annual reports as extracted, checked and reviewed by nianbao. Keys and rules: report-format.md of the project. Blank ≠ 0: a cell the report does not print as a number is null.',
    created,
    version: PARSER_VERSION,
    sources: [
      ...TEMPLATES.map((t) => ({ title: `${t.version}: ${t.source}` })),
      {
        title: `GB/T 2260 region codes: ${DIVISIONS_SOURCE.data} via ${DIVISIONS_SOURCE.source} (${DIVISIONS_SOURCE.licence})`,
      },
    ],
    nianbao: { filter, format },
    resources: LAYOUTS.map((layout) => ({
      name: layout,
      path: `${layout}.${EXT[format]}`,
      profile: 'tabular-data-resource',
      format: EXT[format],
      mediatype: MEDIATYPE[format],
      ...(format === 'parquet' ? {} : { encoding: 'utf-8' }),
      ...(format === 'csv' ? { dialect: { delimiter: ',', header: true, doubleQuote: true } } : {}),
      title: LAYOUT_DESCRIPTIONS[layout].title,
      description: LAYOUT_DESCRIPTIONS[layout].description,
      schema: {
        fields: fieldsOf(layout).map(fieldDescriptor),
        missingValues: [''],
        ...(LAYOUT_DESCRIPTIONS[layout].primaryKey ? { primaryKey: LAYOUT_DESCRIPTIONS[layout].primaryKey } : {}),
      },
    })),
  };
}

export interface PackageSummary {
  dir: string;
  rows: Record<Layout, number>;
}

export async function writePackage(
  store: Store,
  opts: {
    dir: string;
    format: ExportFormat;
    filter?: ExportFilter;
    onProgress?: (done: number, total: number, what: string) => void;
    now?: () => string;
  },
): Promise<PackageSummary> {
  const filter = opts.filter ?? {};
  const now = opts.now ?? (() => new Date().toISOString());
  await ensureBodies(store, { at: now() });
  mkdirSync(opts.dir, { recursive: true });
  const file = (l: Layout) => path.join(opts.dir, `${l}.${EXT[opts.format]}`);
  const rows = { cells: 0, reports: 0, findings: 0, coverage: 0, bodies: 0 } as Record<Layout, number>;
  const streamed = ['cells', 'reports', 'findings'] as const;
  const writers = Object.fromEntries(streamed.map((l) => [l, tableWriter(file(l), fieldsOf(l), opts.format)]));
  const bodyIds = await filteredBodyIds(store, filter);
  const total = await store.countReports({ since: filter.since, bodyIds: bodyIds ? [...bodyIds] : undefined });
  let done = 0;
  try {
    for await (const page of reportPages(store, filter)) {
      const batches: Record<(typeof streamed)[number], Row[]> = {
        cells: await cellRows(store, page),
        reports: await reportRows(store, page),
        findings: await findingRows(store, page),
      };
      for (const l of streamed) {
        await writers[l]!.write(batches[l]);
        rows[l] += batches[l].length;
      }
      done += page.length;
      opts.onProgress?.(done, total, page.at(-1)?.report.report_key ?? '');
    }
  } finally {
    for (const l of streamed) await writers[l]!.close();
  }
  for (const [l, make] of [
    ['coverage', coverageRows],
    ['bodies', bodyRows],
  ] as const) {
    const data = await make(store, filter);
    const w = tableWriter(file(l), fieldsOf(l), opts.format);
    await w.write(data);
    await w.close();
    rows[l] = data.length;
  }
  writeFileSync(
    path.join(opts.dir, 'datapackage.json'),
    `${JSON.stringify(dataPackage(opts.format, filter, now()), null, 2)}\n`,
  );
  return { dir: opts.dir, rows };
}
