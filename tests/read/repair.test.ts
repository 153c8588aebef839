// Lying text layers: latin-1 mojibake of GBK is repaired; private-use garbage is routed like a scan.
import iconv from 'iconv-lite';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { extractBytes } from '../../src/pipeline.ts';
import { garbageShare, repairMojibake } from '../../src/read/repair.ts';

const mojibake = (s: string) => iconv.decode(iconv.encode(s, 'gbk'), 'windows-1252');

function helveticaPdf(lines: string[]): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: 'A4', margin: 50 });
  doc.font('Helvetica').fontSize(11);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((r) => doc.on('end', () => r(Buffer.concat(chunks))));
  for (const l of lines) doc.text(l);
  doc.end();
  return done;
}

describe('text layer repair', () => {
  it('decodes latin-1 / WinAnsi mojibake of GBK, and leaves real text alone', () => {
    expect(repairMojibake(mojibake('北斗星'))).toBe('北斗星');
    expect(repairMojibake('Annual report 2024')).toBeNull();
    expect(repairMojibake('政府信息公开')).toBeNull();
  });

  it('a PDF whose 宋体 was declared WinAnsi over GBK bytes reads as Chinese again', async () => {
    const lines = [
      '洪泽区人民政府2023年政府信息公开工作年度报告',
      '一、总体情况',
      '本报告由洪泽区人民政府办公室编制。',
      '二、主动公开政府信息情况',
    ].map(mojibake);
    const rec = await extractBytes(await helveticaPdf(lines), { path: 'mojibake.pdf' });
    expect(rec.report).toMatchObject({ agency: '洪泽区人民政府', report_year: 2023 });
    expect(rec.warnings.join(' ')).toMatch(/mojibake/);
  });

  it('private-use garbage counts as no text layer', () => {
    expect(garbageShare(['\ue001\ue002\ue003', '12'])).toBeGreaterThan(0.5);
    expect(garbageShare(['政府信息公开', '12'])).toBe(0);
  });
});
