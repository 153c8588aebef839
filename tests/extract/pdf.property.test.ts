// extract(renderPdf(record)) gives back the record: PDFs drawn in a CID Chinese font with wrapped
// labels, tables over page breaks, page footers and filled-rectangle borders. Blank cells print
// nothing in a PDF: they may come back as blanks or be left out, never as numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractBytes } from '../../src/pipeline.ts';
import { parseValue } from '../../src/extract/value.ts';
import { fixtureReport } from '../render/arbitrary.ts';
import { hasCjkFont, renderPdf, CJK_FONT } from '../render/pdf.ts';

const present = hasCjkFont();
if (!present) console.log(`notice: ${CJK_FONT} not installed (apt-get install fonts-wqy-microhei); the PDF round trip is skipped`);

describe.skipIf(!present)('PDF round trip', () => {
  it('every printed number comes back in its cell, with page and bbox', async () => {
    const variation = fc.record({ fullWidthBrackets: fc.boolean(), spacesInLabels: fc.constant(false), traditional: fc.boolean(), subtotalRow: fc.constant(false), filledBorders: fc.boolean(), splitTables: fc.boolean() });
    await fc.assert(fc.asyncProperty(fixtureReport({ allowBlank: true }), variation, async (r, v) => {
      const rec = await extractBytes(await renderPdf(r, v), { path: 'fixture.pdf' });
      expect(rec.report).toMatchObject({ agency: r.agency, report_year: r.year });
      const got = new Map(rec.cells.map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
      for (const [key, raw] of r.cells) {
        const want = parseValue(raw);
        const cell = got.get(key);
        if (want.kind === 'blank') {
          if (cell) expect([cell.kind, cell.value], key).toEqual(['blank', null]);
          continue;
        }
        expect(cell, `${key} printed "${raw}"`).toBeDefined();
        expect([cell!.kind, cell!.value], key).toEqual([want.kind, want.value]);
        expect(cell!.source.page).toBeGreaterThan(0);
        expect(cell!.source.bbox).not.toBeNull();
      }
      for (const key of got.keys()) expect(r.cells.has(key), `extra ${key}`).toBe(true);
    }), { numRuns: Number(process.env.NIANBAO_RUNS ?? 12) });
  }, 120_000);
});
