// `nianbao export --format csv|jsonl|parquet --out DIR`: the data package (one file per layout plus
// datapackage.json). Without --out, or with --out FILE.csv / FILE.jsonl, the long cells as before.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { csvHeader, csvLine, exportRows } from '../export/cells.ts';
import type { ExportFilter } from '../export/layouts.ts';
import { writePackage } from '../export/package.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../export/writers.ts';
import { outputFor } from './output.ts';
import { progress } from './progress.ts';
import { openStore } from '../store/open.ts';

export interface ExportCliOptions {
  db: string;
  format: string;
  out?: string;
  since?: string;
  agency?: string;
  region?: string;
}

/**
 * --out names a package folder unless it names a .csv / .jsonl file (the long layout, as before) or
 * an existing file (a device such as /dev/stdout included); Parquet always writes a package.
 */
export const isPackageDir = (out: string, format: string): boolean => {
  if (format === 'parquet') return true;
  if (existsSync(out)) return statSync(out).isDirectory();
  return !/\.(csv|jsonl|json|txt)$/i.test(out);
};

function parseFilter(o: ExportCliOptions): ExportFilter {
  const since = o.since === undefined ? undefined : Number(o.since);
  if (since !== undefined && !(Number.isInteger(since) && since >= 1990 && since <= 2100))
    throw new Error(`--since must be a year (got ${o.since})`);
  if (o.region !== undefined && !/^\d{2,6}$/.test(o.region))
    throw new Error(`--region must be a GB/T 2260 code or its prefix, 2–6 digits (got ${o.region})`);
  return { since, agency: o.agency, region: o.region };
}

export async function runExport(opts: ExportCliOptions): Promise<number> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
    throw new Error(`--format must be csv, jsonl or parquet (got ${opts.format})`);
  const filter = parseFilter(opts);
  if (opts.out && isPackageDir(opts.out, opts.format))
    return runPackage(opts.out, opts.format as ExportFormat, filter, opts.db);
  if (opts.format === 'parquet') throw new Error('--format parquet needs --out DIR');
  if (filter.since !== undefined || filter.agency || filter.region)
    throw new Error('--since, --agency and --region apply to the data package: give --out DIR');
  const store = await openStore(opts.db, { mustExist: true });
  const out = await outputFor(opts.out).catch(async (e) => {
    await store.close();
    throw e;
  });
  const write = (line: string) => out.write(`${line}\n`);
  let n = 0;
  try {
    if (opts.format === 'csv') await write(csvHeader());
    for await (const row of exportRows(store)) {
      await write(opts.format === 'csv' ? csvLine(row) : JSON.stringify(row));
      n++;
    }
  } finally {
    await store.close();
    await out.close();
  }
  process.stderr.write(`exported ${n} cells${opts.out ? ` to ${opts.out}` : ''}\n`);
  return 0;
}

async function runPackage(dir: string, format: ExportFormat, filter: ExportFilter, db: string): Promise<number> {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new Error(`${dir}: is a file, not a folder (a package is a folder)`);
  const store = await openStore(db, { mustExist: true });
  const bar = progress('export');
  try {
    const s = await writePackage(store, { dir, format, filter, onProgress: (d, t, w) => bar.update(d, t, w) });
    bar.stop();
    process.stderr.write(
      `data package in ${path.resolve(dir)}: ${Object.entries(s.rows)
        .map(([l, n]) => `${l} ${n}`)
        .join(', ')} rows (${format}) + datapackage.json\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
