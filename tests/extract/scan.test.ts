// Scans: the project's own PDF rendering rasterised to page images only (pdftoppm, 150 dpi grey),
// then read by OCR. Every value must be right or its table flagged; every OCR table is queued.
import { describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { extractBytes } from '../../src/pipeline.ts';
import { ocrAvailable } from '../../src/read/ocr.ts';
import { hasCjkFont, renderPdf } from '../render/pdf.ts';
import { imageOnlyPdf } from '../render/scan.ts';
import { hasCommand } from '../helpers/positioned.ts';
import { needs } from '../helpers/needs.ts';

const present = needs(
  hasCommand('pdftoppm', ['-v']) && hasCjkFont() && ocrAvailable(),
  'pdftoppm (poppler-utils), fonts-wqy-microhei or the OCR packages (for the scan test)',
);

describe.skipIf(!present)('scanned reports (OCR)', () => {
  it('reads the tables cell by cell, marks every OCR cell, and queues every OCR table', async () => {
    const cells = new Map(layoutKeys('v2021').map((k, j) => [k, String((j * 37) % 11 === 0 ? (j * 7) % 300 : 0)]));
    cells.set('table3|results.granted|legal.research', '');
    const scan = await imageOnlyPdf(
      await renderPdf(
        { version: 'v2021', agency: '测试市司法局', year: 2024, cells },
        { ...PLAIN, filledBorders: false, splitTables: false },
      ),
    );
    const rec = await extractBytes(scan, { path: 'scan.pdf' });
    expect(rec.report).toMatchObject({ kind: 'ogi_annual_report', agency: '测试市司法局', report_year: 2024 });
    expect(rec.cells.length).toBeGreaterThan(150);
    expect(rec.cells.every((c) => c.source.ocr === true && typeof c.source.confidence === 'number')).toBe(true);
    const flagged = new Set(rec.findings.filter((f) => f.rule === 'E-OCR').map((f) => f.cells[0]?.[0]));
    expect([...new Set(rec.cells.map((c) => c.table))].every((t) => flagged.has(t))).toBe(true);
    let right = 0;
    for (const c of rec.cells) {
      const printed = cells.get(`${c.table}|${c.row}|${c.col}`);
      if (printed === undefined) continue;
      if ((printed === '' ? null : Number(printed)) === c.value) right++;
    }
    expect(right / rec.cells.length).toBeGreaterThan(0.95);
  }, 120_000);
});
