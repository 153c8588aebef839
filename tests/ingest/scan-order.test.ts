// The best copy is current whatever the order: a clean page and a scan of the same report give the
// same export whether the scan comes first or last, and the scan's OCR findings do not stay open.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportRows } from '../../src/export/cells.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { ocrAvailable } from '../../src/read/ocr.ts';
import { fixture, page } from '../helpers/copies.ts';
import { memoExtraction } from '../helpers/memo-extract.ts';
import { hasCommand } from '../helpers/positioned.ts';
import { describeStores } from '../helpers/stores.ts';
import { imageOnlyPdf } from '../render/scan.ts';
import { hasCjkFont, renderPdf } from '../render/pdf.ts';

const present = hasCommand('pdftoppm', ['-v']) && hasCjkFont() && ocrAvailable();
if (!present) {
  const msg = 'pdftoppm (poppler-utils), fonts-wqy-microhei or the OCR packages are missing';
  if (process.env.CI === 'true') throw new Error(`${msg}: required under CI`);
  console.log(`notice: ${msg}; the scan-order test is skipped`);
}

// The scan is made and read (OCR) once; each dialect stores the same readings.
const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-scan-order-'));
const html = path.join(dir, 'page.html');
const scan = path.join(dir, 'scan.pdf');
const pool = memoExtraction();
beforeAll(async () => {
  if (!present) return;
  const r = fixture('莆田市审计局', 2024, 3);
  writeFileSync(html, page(r));
  writeFileSync(scan, await imageOnlyPdf(await renderPdf(r)));
}, 120_000);

describeStores('scan order', (stores) => {
  describe.skipIf(!present)('HTML then scan equals scan then HTML', () => {
    it('the page is current in both orders and the exports are identical', async () => {
      const exports = [];
      for (const order of [
        [html, scan],
        [scan, html],
      ]) {
        const store = await stores.open();
        let t = 0;
        const now = () => `2026-01-01T00:00:0${t++}.000Z`;
        for (const f of order) expect((await ingestFiles(store, [f], { now }, { pool })).failed).toBe(0); // two separate runs
        const live = (await store.allReports()).filter((x) => x.current_run_id !== null);
        expect(live.map((x) => x.report_key)).toEqual(['莆田市审计局|2024']);
        expect((await store.runsOf(live[0]!.id)).length).toBe(2);
        expect(await store.listItems({ rule: 'E-OCR' })).toEqual([]); // the scan is not the current copy
        const rows = [];
        for await (const x of exportRows(store)) rows.push(x);
        expect(new Set(rows.map((x) => x.source_location))).toEqual(new Set([html]));
        exports.push(rows.map((x) => ({ ...x, open_findings: String(x.open_findings ?? '').replace(/#\d+/g, '#') })));
        await store.close();
      }
      expect(exports[1]).toEqual(exports[0]);
    }, 180_000);
  });
});
