// Coverage: every body × year since 2019 is a row, so "no data" is never read as zero.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CoverageRow, computeCoverage } from '../../src/coverage/coverage.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import type { Store } from '../../src/store/store.ts';
import { fixture, page } from '../helpers/copies.ts';
import { describeStores } from '../helpers/stores.ts';

const A = '测试市林业局';
const B = '测试市水利局';
describeStores('coverage', (stores) => {
  let db: string;
  let store: Store;
  beforeEach(async () => {
    db = await stores.fresh();
    store = await stores.open(db);
  });
  afterEach(async () => store.close());

  const withoutTable3 = (bytes: Uint8Array) =>
    new TextEncoder().encode(
      new TextDecoder()
        .decode(bytes)
        .replace(
          /<p>三、收到和处理政府信息公开申请情况<\/p>\n<table[\s\S]*?<\/table>/,
          '<p>三、收到和处理政府信息公开申请情况</p>',
        ),
    );

  async function crawl(bytes: Uint8Array, url: string, sourceId: string | null, sourceAgency: string | null = null) {
    const r = await ingestBytes(
      store,
      bytes,
      { location: url, url, sourceId, sourceAgency },
      '2026-01-01T00:00:00.000Z',
    );
    if (r.reportId !== null) await recheck(store, [r.reportId], '2026-01-01T00:00:00.000Z');
    return r.reportId!;
  }
  const at = (rows: CoverageRow[], body: string, year: number) =>
    rows.filter((r) => r.body === body && r.year === year);

  describe('computeCoverage', () => {
    it('complete, partial with the tables named, not found and fetch failed per source and year', async () => {
      const zero = fixture(A, 2024);
      for (const k of zero.cells.keys()) zero.cells.set(k, '0');
      const complete = await crawl(page(zero), 'https://a.test.gov.cn/2025/r.html', 'src-a', A);
      const partial = await crawl(
        withoutTable3(page(fixture(A, 2023))),
        'https://a.test.gov.cn/2024/r.html',
        'src-a',
        A,
      );
      // B's site is down; the store holds one old report of B's seen without a crawl.
      await crawl(page(fixture(B, 2020)), 'b-2020.html', null);
      const sources = [
        { id: 'src-a', agency: A, failing: false, error: null },
        { id: 'src-b', agency: B, failing: true, error: 'HTTP 503' },
      ];
      const rows = await computeCoverage(store, { until: 2025 }, sources);

      expect(at(rows, A, 2024)).toEqual([
        {
          body: A,
          source_id: 'src-a',
          year: 2024,
          status: 'complete',
          report_id: complete,
          tables_missing: [],
          detail: null,
        },
      ]);
      expect(at(rows, A, 2023)).toMatchObject([{ status: 'partial', report_id: partial, tables_missing: ['table3'] }]);
      expect(at(rows, A, 2023)[0]!.detail).toContain('table3');
      // Years the source's listing should hold: a row each, never an absent row.
      for (const y of [2019, 2020, 2021, 2022, 2025])
        expect(at(rows, A, y), String(y)).toMatchObject([{ status: 'not_found', source_id: 'src-a', report_id: null }]);
      expect(at(rows, B, 2020)).toMatchObject([{ status: 'complete' }]);
      expect(at(rows, B, 2021)).toMatchObject([
        { status: 'fetch_failed', source_id: 'src-b', detail: expect.stringContaining('HTTP 503') },
      ]);
      expect(rows.filter((r) => r.body === A || r.body === B)).toHaveLength(14);

      expect(
        (await computeCoverage(store, { until: 2025, source: 'src-a' }, sources)).every((r) => r.source_id === 'src-a'),
      ).toBe(true);
      expect(
        (await computeCoverage(store, { until: 2025, year: 2023 }, sources)).map((r) => [r.body, r.status]),
      ).toEqual(
        [
          [B, 'fetch_failed'],
          [A, 'partial'],
        ].sort((x, y) => x[0]!.localeCompare(y[0]!, 'zh')),
      );
    });

    it('a table entered by hand is no longer unread; a report printed under another name counts for its source', async () => {
      const id = await crawl(
        withoutTable3(page(fixture('测试市', 2022))),
        'https://c.test.gov.cn/r.html',
        'src-c',
        '测试市人民政府',
      );
      await store.addCorrection({
        report_id: id,
        tbl: 'table3',
        row_key: 'new_received',
        col_key: 'total',
        old_value: null,
        old_raw: null,
        new_value: 0,
        note: 'printed copy',
        who: 'tester',
        at: '2026-01-02T00:00:00.000Z',
      });
      const rows = await computeCoverage(store, { until: 2023 }, [
        { id: 'src-c', agency: '测试市人民政府', failing: false, error: null },
      ]);
      expect(rows.map((r) => [r.body, r.year, r.status])).toEqual([
        ['测试市人民政府', 2019, 'not_found'],
        ['测试市人民政府', 2020, 'not_found'],
        ['测试市人民政府', 2021, 'not_found'],
        ['测试市人民政府', 2022, 'complete'],
        ['测试市人民政府', 2023, 'not_found'],
      ]);
      expect(rows[3]!.detail).toContain('entered by hand: table3');
    });
  });

  describe('nianbao coverage', () => {
    it('--json and --csv list the partial reports with the tables named', async () => {
      await crawl(withoutTable3(page(fixture(A, 2023))), 'https://a.test.gov.cn/2024/r.html', null);
      await store.close();
      const exec = promisify(execFile);
      const bin = path.resolve('bin/nianbao.js');
      const json = JSON.parse(
        (await exec(process.execPath, [bin, 'coverage', '--json', '--db', db])).stdout,
      ) as CoverageRow[];
      expect(json.filter((r) => r.status === 'partial')).toMatchObject([
        { body: A, year: 2023, tables_missing: ['table3'] },
      ]);
      expect(json.filter((r) => r.body === A && r.status === 'not_found').length).toBeGreaterThanOrEqual(5);
      const csv = (await exec(process.execPath, [bin, 'coverage', '--csv', '--year', '2023', '--db', db])).stdout
        .trim()
        .split('\n');
      expect(csv[0]).toBe('body,source_id,year,status,report_id,tables_missing,detail');
      expect(csv[1]).toMatch(new RegExp(`^${A},,2023,partial,\\d+,table3,`));
      store = await stores.open(db);
    }, 60_000);
  });
});
