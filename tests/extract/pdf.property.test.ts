// extract(renderPdf(record)) gives back the record: PDFs drawn in a CID Chinese font with wrapped
// labels, tables over page breaks, page footers and filled-rectangle borders. Blank cells print
// nothing in a PDF: they may come back as blanks or be left out, never as numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractBytes } from '../../src/pipeline.ts';
import { fixtureReport } from '../render/arbitrary.ts';
import { hasCjkFont, renderPdf, CJK_FONT } from '../render/pdf.ts';
import { expectPositionedRoundTrip } from '../helpers/positioned.ts';
import { needs } from '../helpers/needs.ts';

const present = needs(hasCjkFont(), `${CJK_FONT} (apt-get install fonts-wqy-microhei), for the PDF round trip`);

describe.skipIf(!present)('PDF round trip', () => {
  it('every printed number comes back in its cell, with page and bbox', async () => {
    const variation = fc.record({
      fullWidthBrackets: fc.boolean(),
      spacesInLabels: fc.constant(false),
      traditional: fc.boolean(),
      subtotalRow: fc.constant(false),
      filledBorders: fc.boolean(),
      splitTables: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fixtureReport({ allowBlank: true }), variation, async (r, v) => {
        const rec = await extractBytes(await renderPdf(r, v), { path: 'fixture.pdf' });
        expectPositionedRoundTrip(r, rec);
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 12) },
    );
  }, 120_000);
});

describe.skipIf(!present)('digits split by the text layer', () => {
  it('are joined where a row sum proves them (E-JOIN pass), and not read as numbers where nothing can (table 2)', async () => {
    const { layoutKeys, PLAIN } = await import('../../src/demo/layout.ts');
    const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
    for (const col of ['natural_person', 'total'])
      cells
        .set(`table3|new_received|${col}`, '12')
        .set(`table3|results.granted|${col}`, '12')
        .set(`table3|results.total|${col}`, '12');
    cells.set('table2|licensing|decisions', '45');
    const split = new Set(['table3|new_received|natural_person', 'table2|licensing|decisions']);
    const rec = await extractBytes(
      await renderPdf(
        { version: 'v2021', agency: '测试市司法局', year: 2024, cells },
        { ...PLAIN, filledBorders: false, splitTables: false, splitDigits: split },
      ),
      { path: 'split.pdf' },
    );
    const get = (t: string, r: string, c: string) =>
      rec.cells.find((x) => x.table === t && x.row === r && x.col === c)!;
    expect(get('table3', 'new_received', 'natural_person')).toMatchObject({
      raw: '1 2',
      value: 12,
      kind: 'number',
      source: { resolved_by: 'joined_digits' },
    });
    expect(get('table2', 'licensing', 'decisions')).toMatchObject({ raw: '4 5', value: null, kind: 'text' });
    expect(
      rec.findings
        .filter((f) => f.rule === 'E-JOIN')
        .map((f) => [f.cells[0]![0], f.status])
        .sort(),
    ).toEqual([
      ['table2', 'not_assessable'],
      ['table3', 'pass'],
    ]);
  }, 60_000);
});
