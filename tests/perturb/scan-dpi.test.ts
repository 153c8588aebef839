// Perturbation: scans at 100/150/200/300 dpi. The OCR enlarges cell crops by a factor taken from
// the scan's own resolution (image pixels over the page width), not a constant. OCR is slow, so
// only the two extremes are read in full; the resolution itself is checked at every dpi.
import { describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { extractBytes } from '../../src/pipeline.ts';
import { ocrAvailable, ocrScale, pageImages } from '../../src/read/ocr.ts';
import { needs } from '../helpers/needs.ts';
import { expectedValue } from '../helpers/expected.ts';
import { hasCommand } from '../helpers/positioned.ts';
import { hasCjkFont, renderPdf } from '../render/pdf.ts';
import { imageOnlyPdf } from '../render/scan.ts';

const present = needs(
  hasCommand('pdftoppm', ['-v']) && hasCjkFont() && ocrAvailable(),
  'pdftoppm (poppler-utils), fonts-wqy-microhei or the OCR packages (for the scan-resolution suite)',
);

const fixture = () => {
  const cells = new Map(layoutKeys('v2019').map((k, j) => [k, String((j * 37) % 11 === 0 ? (j * 13) % 90 : 0)]));
  return { version: 'v2019' as const, agency: '莆田市审计局', year: 2020, cells };
};

// One rendering, and one scan per resolution, shared by the tests below (pdftoppm and pdf.js are not free).
let rendered: Promise<Uint8Array> | null = null;
const scans = new Map<number, Promise<Uint8Array>>();
function scanAt(dpi: number): Promise<Uint8Array> {
  rendered ??= renderPdf(fixture(), { ...PLAIN, filledBorders: false, splitTables: false });
  let scan = scans.get(dpi);
  if (!scan) scans.set(dpi, (scan = rendered.then((pdf) => imageOnlyPdf(pdf, dpi))));
  return scan;
}

async function imagesOf(pdf: Uint8Array) {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  try {
    return await pageImages(doc, 1);
  } finally {
    await doc.destroy();
  }
}

describe.skipIf(!present)('scans at several resolutions', () => {
  it.each([100, 150, 200, 300])('a %i dpi scan is measured as such, and enlarged towards 300 dpi', async (dpi) => {
    const [img] = await imagesOf(await scanAt(dpi));
    expect(img!.dpi).toBeGreaterThan(dpi * 0.97);
    expect(img!.dpi).toBeLessThan(dpi * 1.03);
    // Coarse scans are enlarged (at most twice: more blurs the digits), fine ones are not.
    expect(img!.dpi * ocrScale(img!.dpi)).toBeGreaterThanOrEqual(Math.min(295, dpi * 2));
    expect(img!.dpi * ocrScale(img!.dpi)).toBeLessThanOrEqual(Math.max(dpi, 300) * 1.05);
    expect(ocrScale(img!.dpi)).toBeGreaterThanOrEqual(1);
  });

  it.each([100, 300])(
    'a %i dpi scan: no wrong value, most cells read, every OCR table queued',
    async (dpi) => {
      const r = fixture();
      const rec = await extractBytes(await scanAt(dpi), { path: `scan-${dpi}.pdf` });
      expect(rec.report).toMatchObject({ kind: 'ogi_annual_report', report_year: 2020 });
      let right = 0;
      for (const c of rec.cells) {
        const printed = r.cells.get(`${c.table}|${c.row}|${c.col}`);
        expect(printed, `spurious ${c.table}|${c.row}|${c.col}`).toBeDefined();
        if (c.value === expectedValue(printed!)) right++;
        else
          expect(
            rec.findings.some((f) => f.status !== 'pass' && f.cells.some(([t]) => t === c.table)),
            `a wrong value in ${c.table} without a finding`,
          ).toBe(true);
      }
      expect(right / r.cells.size).toBeGreaterThan(0.9);
      for (const t of new Set(rec.cells.map((c) => c.table)))
        expect(rec.findings.some((f) => f.rule === 'E-OCR' && f.cells[0]?.[0] === t)).toBe(true);
    },
    180_000,
  );
});
