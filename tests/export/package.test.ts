// The data package on a store of generated reports: every Parquet file read back by DuckDB and by
// hyparquet with the declared types; datapackage.json valid against the Frictionless profile;
// the wide `reports` layout agrees with the long `cells` layout; blanks stay null; filters.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellColumns } from '../../src/export/dictionary.ts';
import { fieldsOf, LAYOUTS } from '../../src/export/layouts.ts';
import { writePackage } from '../../src/export/package.ts';
import type { Store } from '../../src/store/store.ts';
import { AT, FIXTURES, fixtureStore } from './fixture-store.ts';
import { keywords, SUPPORTED, validate } from './json-schema.ts';
import { describeStores } from '../helpers/stores.ts';

const PROFILE = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'profiles/tabular-data-package.json'), 'utf8'),
) as Record<string, unknown>;

/** The Parquet physical type (and DuckDB type) each declared Frictionless type must have. */
const PARQUET: Record<string, { physical: string; duck: string }> = {
  integer: { physical: 'INT64', duck: 'BIGINT' },
  number: { physical: 'DOUBLE', duck: 'DOUBLE' },
  boolean: { physical: 'BOOLEAN', duck: 'BOOLEAN' },
  date: { physical: 'INT32', duck: 'DATE' },
  string: { physical: 'BYTE_ARRAY', duck: 'VARCHAR' },
};

describeStores('data package', (stores) => {
  let store: Store;
  let dir: string;
  let duck: Awaited<ReturnType<DuckDBInstance['connect']>>;
  /** DuckDB rows with BIGINT as numbers (the fixtures' values are small). */
  const q = async (sql: string) =>
    (await duck.runAndReadAll(sql))
      .getRowObjectsJS()
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  const file = (l: string, ext = 'parquet') => path.join(dir, `${l}.${ext}`).replace(/'/g, "''");

  beforeAll(async () => {
    ({ store } = await fixtureStore(FIXTURES, await stores.fresh()));
    dir = mkdtempSync(path.join(tmpdir(), 'nianbao-pkg-'));
    await writePackage(store, { dir, format: 'parquet', now: () => AT });
    duck = await (await DuckDBInstance.create(':memory:')).connect();
  }, 120_000);
  afterAll(async () => {
    duck?.closeSync();
    await store?.close();
  });

  describe('data package (parquet)', () => {
    it.each(LAYOUTS)('%s.parquet: DuckDB and hyparquet read the declared types', async (layout) => {
      const fields = fieldsOf(layout);
      const described = await q(`DESCRIBE SELECT * FROM read_parquet('${file(layout)}')`);
      expect(described.map((r) => r.column_name)).toEqual(fields.map((f) => f.name));
      for (const [i, f] of fields.entries())
        expect([f.name, described[i]!.column_type]).toEqual([f.name, PARQUET[f.type]!.duck]);

      const bytes = readFileSync(path.join(dir, `${layout}.parquet`));
      const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const meta = parquetMetadata(buf);
      const leaves = meta.schema.slice(1);
      expect(leaves.map((s) => [s.name, s.type])).toEqual(fields.map((f) => [f.name, PARQUET[f.type]!.physical]));
      const rows = await parquetReadObjects({ file: buf });
      const counted = await q(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file(layout)}')`);
      expect(rows.length).toBe(counted[0]!.n);
      expect(rows.length).toBeGreaterThan(0);
    });

    it('reports: one row per body and year, named columns, blank printed → null (never 0)', async () => {
      const rows = await q(
        `SELECT agency, report_year, t3_new_received_total AS v, body_id, region_code, level FROM read_parquet('${file('reports')}') ORDER BY report_id`,
      );
      expect(rows.length).toBe(FIXTURES.length);
      for (const [i, spec] of FIXTURES.entries()) {
        expect(rows[i]).toMatchObject({ agency: spec.agency, report_year: spec.year });
        expect(rows[i]!.v === null ? null : Number(rows[i]!.v)).toBe(spec.received);
      }
      const sm = rows.find((r) => r.agency === '三明市人民政府')!;
      expect(sm).toMatchObject({ region_code: '350400', level: 'prefecture' });
      const audit = rows.find((r) => r.agency === '莆田市审计局')!;
      expect(audit).toMatchObject({ region_code: '350300', level: 'department' });
    });

    it('summing t3_new_received_total by year in reports matches the cells layout', async () => {
      const wide = await q(
        `SELECT report_year AS y, sum(t3_new_received_total)::BIGINT AS s FROM read_parquet('${file('reports')}') GROUP BY 1 ORDER BY 1`,
      );
      const long = await q(
        `SELECT report_year AS y, sum(value)::BIGINT AS s FROM read_parquet('${file('cells')}') WHERE "table" = 'table3' AND "row" = 'new_received' AND col = 'total' GROUP BY 1 ORDER BY 1`,
      );
      expect(wide).toEqual(long);
      const expected = new Map<number, number>();
      for (const f of FIXTURES) if (f.received !== null) expected.set(f.year, (expected.get(f.year) ?? 0) + f.received);
      expect(wide.map((r) => [r.y, Number(r.s)])).toEqual([...expected.entries()].sort((a, b) => a[0] - b[0]));
    });

    it('amounts are DOUBLE with their decimals; compliance columns follow the statutory deadline', async () => {
      const rows = await q(
        `SELECT report_year, t2_fees_amount AS fee, publish_date::VARCHAR AS pd, publish_deadline::VARCHAR AS dl, published_on_time AS ok, hard_rules_pass AS hard, agency FROM read_parquet('${file('reports')}') ORDER BY report_id`,
      );
      for (const r of rows) {
        expect(r.fee).toBe(Number(r.report_year) >= 2021 ? 1.5 : null);
        expect(r.pd).toBe(`${Number(r.report_year) + 1}-01-20`);
        expect(r.ok).toBe(true);
      }
      expect(rows.find((r) => r.agency === '三明市人民政府')!.dl).toBe('2021-03-31');
      expect(rows.find((r) => r.agency === '莆田市审计局')!.dl).toBe('2021-01-31');
      const slip = rows.find((r) => r.agency === '莆田市审计局' && r.report_year === 2023)!;
      expect(slip.hard).toBe(false); // T4-1 fails on the printed numbers
    });

    it('repeated strings are dictionary-encoded', () => {
      const bytes = readFileSync(path.join(dir, 'cells.parquet'));
      const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const col = meta.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'table')!;
      expect(col.meta_data!.encodings.some((e) => /DICTIONARY/.test(e))).toBe(true);
    });

    it('datapackage.json validates against the Frictionless tabular-data-package profile', () => {
      expect([...keywords(PROFILE)].filter((k) => !SUPPORTED.has(k))).toEqual([]);
      const dp = JSON.parse(readFileSync(path.join(dir, 'datapackage.json'), 'utf8'));
      expect(validate(PROFILE, dp)).toEqual([]);
      // The check can fail: a resource without its schema, a field of an unknown type, a bad name.
      const broken = structuredClone(dp);
      delete broken.resources[0].schema;
      broken.resources[1].schema.fields[0].type = 'bigint';
      broken.resources[2].name = 'Findings!';
      expect(validate(PROFILE, broken).length).toBeGreaterThanOrEqual(3);
    });

    it('the dictionary describes every cell column from the templates, with labels, versions and mappings', () => {
      const dp = JSON.parse(readFileSync(path.join(dir, 'datapackage.json'), 'utf8'));
      const reports = dp.resources.find((r: { name: string }) => r.name === 'reports');
      const byName = new Map(reports.schema.fields.map((f: { name: string }) => [f.name, f]));
      const cols = cellColumns();
      expect(cols.length).toBeGreaterThan(200);
      for (const c of cols) {
        const f = byName.get(c.name) as Record<string, unknown>;
        expect(f, c.name).toBeDefined();
        expect(c.name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/); // a valid R and pandas identifier
        expect(Object.keys(f.label_zh as object).sort()).toEqual(c.format_versions);
        expect(f.version_mapping).toBeTruthy();
        expect(f.unit).toBeTruthy();
      }
      const nr = byName.get('t3_new_received_total') as Record<string, unknown>;
      expect(nr).toMatchObject({ type: 'integer', format_versions: ['v2019', 'v2021'] });
      expect((nr.label_zh as Record<string, string>).v2021).toContain('本年新收政府信息公开申请数量');
      const fee = byName.get('t2_fees_amount') as Record<string, unknown>;
      expect(fee).toMatchObject({ type: 'number', unit: '万元', format_versions: ['v2021'] });
      expect(String(fee.version_mapping)).toMatch(/not comparable/);
      expect(byName.get('t3_results_other_overdue_fee_total')).toMatchObject({ format_versions: ['v2021'] });
    });

    it('--region and --since filter every layout', async () => {
      const sub = mkdtempSync(path.join(tmpdir(), 'nianbao-pkg-'));
      const s = await writePackage(store, {
        dir: sub,
        format: 'csv',
        filter: { region: '3503', since: 2021 },
        now: () => AT,
      });
      const csv = readFileSync(path.join(sub, 'reports.csv'), 'utf8').trim().split('\n');
      const expected = FIXTURES.filter((f) => f.agency.startsWith('莆田') && f.year >= 2021);
      expect(csv.length - 1).toBe(expected.length);
      expect(s.rows.reports).toBe(expected.length);
      const bodies = await q(`SELECT region_code FROM read_csv('${path.join(sub, 'bodies.csv')}', all_varchar = true)`);
      expect(bodies.every((b) => String(b.region_code).startsWith('3503'))).toBe(true);
    });
  });
});
