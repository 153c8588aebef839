// Bad and large non-HTML inputs: a clear one-line error or a bounded, correct result.
import { describe, expect, it } from 'vitest';
import { readDocument, ReadError } from '../../src/read/index.ts';
import { MAX_PDF_PAGES } from '../../src/read/pdf.ts';
import { extractBytes } from '../../src/pipeline.ts';
import { miniPdf, zipBomb } from '../../src/demo/minipdf.ts';

const oneLine = async (bytes: Uint8Array) => {
  try {
    await readDocument(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ReadError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected a ReadError');
};

describe('PDF and Word inputs', () => {
  it('a corrupt, a truncated and a 0-byte PDF get one-line errors', async () => {
    expect(await oneLine(new TextEncoder().encode('%PDF-1.7\nthis is not a pdf at all'))).toMatch(
      /^pdf: corrupt or truncated PDF/,
    );
    const good = miniPdf(['hello']);
    expect(await oneLine(good.subarray(0, 60))).toMatch(/^pdf: corrupt or truncated PDF/);
    expect(await oneLine(new Uint8Array(0))).toBe('empty file');
  });

  it('an encrypted PDF says so in one line', async () => {
    const { default: PDFDocument } = await import('pdfkit');
    const doc = new PDFDocument({ userPassword: 'secret', ownerPassword: 'owner', pdfVersion: '1.7' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((r) => doc.on('end', () => r(Buffer.concat(chunks))));
    doc.text('2024 annual report');
    doc.end();
    expect(await oneLine(await done)).toBe('pdf: encrypted PDF (needs a password)');
  });

  it('a ZIP bomb disguised as DOCX is refused before inflating', async () => {
    const t0 = performance.now();
    expect(await oneLine(zipBomb())).toMatch(/ZIP|refused/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it(`a 200-page PDF is read up to ${MAX_PDF_PAGES} pages, in bounded time, and says so`, async () => {
    const pdf = miniPdf(Array.from({ length: 200 }, (_, i) => `Page ${i + 1} of an annual report`));
    const t0 = performance.now();
    const doc = await readDocument(pdf);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(doc.warnings.join('\n')).toContain(`only the first ${MAX_PDF_PAGES}`);
    expect(doc.blocks.filter((b) => b.type === 'paragraph')).toHaveLength(MAX_PDF_PAGES);
  }, 30_000);

  it('an image-only PDF is presumed a report with every table missing and a review finding, never zeros', async () => {
    const record = await extractBytes(miniPdf(['', '']), { path: 'scan.pdf' });
    expect(record.report.kind).toBe('ogi_annual_report');
    expect(record.cells).toEqual([]);
    expect(record.report.tables_missing).toEqual(['table2', 'table3', 'table4']);
    expect(record.findings.map((f) => [f.rule, f.status, f.blame, f.detail?.reason])).toEqual([
      ['E-SCAN', 'not_assessable', 'extraction', undefined],
      // Every unread table is a review item of its own: printed as an image.
      ['E-TABLE', 'not_assessable', 'extraction', 'image'],
      ['E-TABLE', 'not_assessable', 'extraction', 'image'],
      ['E-TABLE', 'not_assessable', 'extraction', 'image'],
    ]);
  });
});
