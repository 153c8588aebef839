// The data package over the real corpus, through the CLI: `ingest ../shared/corpus` (done once per run,
// tests/helpers/corpus-store.ts; this file exports its own copy) then `export --format parquet --out DIR`.
// Skips with a notice when the corpus is absent (fails under CI).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsOf, LAYOUTS } from '../../src/export/layouts.ts';
import { CORPUS, corpusStoreCopy } from '../helpers/corpus-store.ts';
import { validate } from './json-schema.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const present = existsSync(CORPUS);
if (!present) {
  if (process.env.CI === 'true') throw new Error(`corpus not found at ${CORPUS} (CI must have it)`);
  console.log(`notice: corpus not found at ${CORPUS}; the data package end-to-end test is skipped`);
}
const PROFILE = JSON.parse(readFileSync(path.join(import.meta.dirname, 'profiles/tabular-data-package.json'), 'utf8'));
const DUCK: Record<string, string> = {
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  string: 'VARCHAR',
};

const tmp = mkdtempSync(path.join(tmpdir(), 'nianbao-corpus-pkg-'));
const out = path.join(tmp, 'package');
let duck: Awaited<ReturnType<DuckDBInstance['connect']>>;
const q = async (sql: string) =>
  (await duck.runAndReadAll(sql))
    .getRowObjectsJS()
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
const pq = (l: string) => path.join(out, `${l}.parquet`).replace(/'/g, "''");

describe.skipIf(!present)('data package over the corpus', () => {
  beforeAll(async () => {
    const db = await corpusStoreCopy('sqlite');
    await exec(process.execPath, [BIN, 'export', '--format', 'parquet', '--out', out, '--db', db]);
    duck = await (await DuckDBInstance.create(':memory:')).connect();
  }, 900_000);
  afterAll(() => duck?.closeSync());

  it('every layout loads in DuckDB and hyparquet with the declared types', async () => {
    for (const layout of LAYOUTS) {
      const fields = fieldsOf(layout);
      const d = await q(`DESCRIBE SELECT * FROM read_parquet('${pq(layout)}')`);
      expect(d.map((r) => [r.column_name, r.column_type])).toEqual(fields.map((f) => [f.name, DUCK[f.type]]));
      const bytes = readFileSync(path.join(out, `${layout}.parquet`));
      const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const rows = await parquetReadObjects({ file: buf });
      expect(rows.length).toBe(Number(parquetMetadata(buf).num_rows));
      expect(rows.length, layout).toBeGreaterThan(0);
    }
  });

  it('datapackage.json validates against the Frictionless profile', () => {
    expect(validate(PROFILE, JSON.parse(readFileSync(path.join(out, 'datapackage.json'), 'utf8')))).toEqual([]);
  });

  it('reports: one row per agency-year (the copies of one report are one row)', async () => {
    const dup = await q(
      `SELECT report_key, count(*) AS n FROM read_parquet('${pq('reports')}') GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(dup).toEqual([]);
    const sh = await q(
      `SELECT count(*) AS n FROM read_parquet('${pq('reports')}') WHERE agency = '上海市人民政府办公厅' AND report_year = 2019`,
    );
    expect(sh[0]!.n).toBe(1);
  });

  it('summing t3_new_received_total by year in reports matches the cells layout', async () => {
    const wide = await q(
      `SELECT report_year AS y, sum(t3_new_received_total) AS s, count(t3_new_received_total) AS n FROM read_parquet('${pq('reports')}') WHERE kind = 'ogi_annual_report' GROUP BY 1 HAVING count(t3_new_received_total) > 0 ORDER BY 1`,
    );
    const long = await q(
      `SELECT report_year AS y, sum(value) AS s, count(value) AS n FROM read_parquet('${pq('cells')}') WHERE "table" = 'table3' AND "row" = 'new_received' AND col = 'total' AND value IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    expect(wide.length).toBeGreaterThan(3);
    expect(wide).toEqual(long);
  });

  it('every body has a region code and a level, each marked given or inferred', async () => {
    const bodies = await q(`SELECT * FROM read_parquet('${pq('bodies')}')`);
    const linked = bodies.filter((b) => Number(b.reports) > 0);
    expect(linked.length).toBeGreaterThan(5);
    for (const b of bodies) {
      expect(b.region_code, String(b.name)).toMatch(/^\d{6}$/);
      expect(b.level, String(b.name)).toMatch(/^(province|prefecture|county|township|department)$/);
      expect(b.region_source, String(b.name)).toMatch(/^(given|inferred:.+)$/);
      expect(b.level_source, String(b.name)).toMatch(/^(given|inferred:.+)$/);
    }
    const unlinked = await q(
      `SELECT count(*) AS n FROM read_parquet('${pq('reports')}') WHERE agency IS NOT NULL AND body_id IS NULL`,
    );
    expect(unlinked[0]!.n).toBe(0);
  });
});
