// Large stores export page by page: one Parquet row group per page of reports, progress per page,
// and the same totals as the store holds.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { expect, it } from 'vitest';
import { writePackage } from '../../src/export/package.ts';
import { LIMITS } from '../../src/settings.ts';
import { record, t3row } from '../helpers/records.ts';
import { describeStores } from '../helpers/stores.ts';

const AT = '2026-01-01T00:00:00.000Z';

describeStores('streamed export', (stores) => {
  it('writes reports in pages of LIMITS.export.pageReports with progress, totals intact', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-stream-'));
    const store = await stores.open();
    const n = LIMITS.export.pageReports * 2 + 37;
    let expected = 0;
    await store.transaction(async (trx) => {
      for (let i = 0; i < n; i++) {
        const v = (i * 7) % 23;
        expected += v;
        const r = record({
          agency: `三明市第${i}局`,
          year: 2021 + (i % 3),
          cells: t3row('new_received', [v, 0, 0, 0, 0, 0, v]),
        });
        r.source.sha256 = i.toString(16).padStart(64, '0');
        const bytes = new TextEncoder().encode(`report ${i}`);
        await store.putDocument(trx, { sha256: r.source.sha256, media: 'html', bytes, location: `r${i}`, at: AT });
        await store.saveRun(trx, r, '0.1.0', AT);
      }
    });
    const progress: number[] = [];
    const out = path.join(dir, 'pkg');
    const s = await writePackage(store, {
      dir: out,
      format: 'parquet',
      now: () => AT,
      onProgress: (d) => progress.push(d),
    });
    await store.close();
    expect(s.rows.reports).toBe(n);
    expect(s.rows.cells).toBe(n * 7);
    expect(progress).toEqual([LIMITS.export.pageReports, LIMITS.export.pageReports * 2, n]);
    const bytes = readFileSync(path.join(out, 'reports.parquet'));
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(parquetMetadata(buf).row_groups.map((g) => Number(g.num_rows))).toEqual([
      LIMITS.export.pageReports,
      LIMITS.export.pageReports,
      37,
    ]);
    const rows = await parquetReadObjects({ file: buf, columns: ['t3_new_received_total', 'region_code', 'level'] });
    expect(rows.reduce((a, r) => a + Number(r.t3_new_received_total), 0)).toBe(expected);
    expect(rows.every((r) => r.region_code === '350400' && r.level === 'department')).toBe(true);
  }, 120_000);
});
