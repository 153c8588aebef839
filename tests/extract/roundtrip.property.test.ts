// extract(render(record)) gives back the record: every printed cell, its raw text, kind and value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractTextBytes } from '../../src/pipeline.ts';
import { parseValue } from '../../src/extract/value.ts';
import type { ReportRecord } from '../../src/record.ts';
import { fixtureReport } from '../render/arbitrary.ts';
import type { FixtureReport, Variation } from '../../src/demo/layout.ts';
import { renderDump, renderHtml, renderSpacedText, renderTabText } from '../../src/demo/render.ts';

const variation = fc.record<Variation>({
  fullWidthBrackets: fc.boolean(),
  spacesInLabels: fc.boolean(),
  traditional: fc.boolean(),
  subtotalRow: fc.constant(false),
});
const utf8 = (s: string) => new TextEncoder().encode(s);

function expectRoundTrip(r: FixtureReport, rec: ReportRecord, opts: { thousands?: boolean } = {}) {
  expect(rec.report.kind).toBe('ogi_annual_report');
  expect(rec.report.agency).toBe(r.agency);
  expect(rec.report.report_year).toBe(r.year);
  expect(rec.report.format_version.table3).toBe(r.version);
  const got = new Map(rec.cells.map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
  for (const [key, raw] of r.cells) {
    const cell = got.get(key);
    if (raw === '') {
      // A blank is never a zero: absent, or present as a blank.
      if (cell) expect([cell.kind, cell.value]).toEqual(['blank', null]);
      continue;
    }
    expect(cell, `cell ${key} printed "${raw}"`).toBeDefined();
    const want = parseValue(raw);
    expect(cell!.kind, `kind of ${key} printed "${raw}"`).toBe(want.kind);
    expect(cell!.value, `value of ${key} printed "${raw}"`).toBe(want.value);
    if (!opts.thousands) expect(cell!.raw.trim()).toBe(raw);
  }
  for (const key of got.keys()) expect(r.cells.has(key), `extra cell ${key}`).toBe(true);
}

describe('extract(render(record)) round trip', () => {
  it('HTML in the official layout (rowspan/colspan), with label variations', () => {
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), variation, (r, v) => {
        expectRoundTrip(r, extractTextBytes(renderHtml(r, v), { path: 'fixture.html' }));
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 60) },
    );
  });

  it('GBK HTML with the charset only in <meta>', () => {
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), (r) => {
        const rec = extractTextBytes(renderHtml(r, undefined, { charset: 'gbk' }), { path: 'fixture.html' });
        expect(rec.source.encoding).toBe('gb18030');
        expectRoundTrip(r, rec);
      }),
      { numRuns: 15 },
    );
  });

  it('tab-separated text like the seed, with thousands separators', () => {
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), variation, (r, v) => {
        expectRoundTrip(r, extractTextBytes(utf8(renderTabText(r, v, { thousands: true })), { path: 'fixture.txt' }), {
          thousands: true,
        });
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 60) },
    );
  });

  it('space-aligned text (pdftotext -layout style)', () => {
    fc.assert(
      fc.property(fixtureReport({ allowBlank: false }), variation, (r, v) => {
        expectRoundTrip(r, extractTextBytes(utf8(renderSpacedText(r, v)), { path: 'spaced.txt' }));
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 60) },
    );
  });

  it('DOCX with merged cells (Word attachments), through mammoth', async () => {
    const { renderDocx } = await import('../render/docx.ts');
    const { extractBytes } = await import('../../src/pipeline.ts');
    await fc.assert(
      fc.asyncProperty(fixtureReport({ allowBlank: true }), variation, async (r, v) => {
        const rec = await extractBytes(await renderDocx(r, v), { path: 'fixture.docx' });
        expect(rec.source.media).toBe('docx');
        expectRoundTrip(r, rec);
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 20) },
    );
  });

  it('one-cell-per-line crawler dumps with labels split over lines', () => {
    fc.assert(
      fc.property(fixtureReport({ allowBlank: false }), variation, fc.boolean(), (r, v, crlf) => {
        expectRoundTrip(r, extractTextBytes(utf8(renderDump(r, v, { splitLabels: true, crlf })), { path: 'dump.txt' }));
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 60) },
    );
  });

  it('a printed subtotal row (（三）不予公开 with its own numbers) is keyed results.withheld.total', () => {
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true, subtotal: true }), (r) => {
        expectRoundTrip(
          r,
          extractTextBytes(
            renderHtml(r, { fullWidthBrackets: true, spacesInLabels: false, traditional: false, subtotalRow: true }),
            { path: 'x.html' },
          ),
        );
      }),
      { numRuns: 30 },
    );
  });
});
