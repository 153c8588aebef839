// Hostile inputs, built on the fly (never committed): each is small on disk and was, before the
// per-document budgets, enough to take a whole batch down (issue 13).
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Deflate, zipSync, strToU8 } from 'fflate';
import { layoutKeys, PLAIN, type FixtureReport } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';

export const goodReport = (agency: string, year: number): FixtureReport => ({
  version: 'v2021',
  agency,
  year,
  cells: new Map(layoutKeys('v2021').map((k, j) => [k, String((j * 7) % 5)])),
});

/** 140 KB: 3000 rows of one cell merged over 64 columns and 400 rows (the grid grew without bound). */
export function hugeSpanHtml(rows = 3000): string {
  const tr = '<tr><td colspan="64" rowspan="400">1</td></tr>\n';
  return `<html><head><title>年度报告</title></head><body><table>${tr.repeat(rows)}</table></body></html>`;
}

/**
 * A good report whose table-3 row 一 is printed again `copies` times with other values: every copy
 * is an E-DUP conflict (the 19 MB page gave a million findings).
 */
export function repeatedRowHtml(copies: number): string {
  const html = Buffer.from(renderHtml(goodReport('重复行测试局', 2022), PLAIN)).toString('utf8');
  const label = '一、本年新收政府信息公开申请数量';
  const at = html.indexOf('</tr>', html.indexOf(label)) + '</tr>'.length;
  const row = (i: number) =>
    `<tr><td colspan="3">${label}</td>${Array.from({ length: 7 }, (_, c) => `<td>${i + c + 1}</td>`).join('')}</tr>`;
  const extra = Array.from({ length: copies }, (_, i) => row(i)).join('\n');
  return html.slice(0, at) + extra + html.slice(at);
}

/** A hand-written PDF: `pages` pages that each draw one grey image declaring `size`×`size` pixels. */
export function giantImagePdf(size = 30000, pages = 4): Uint8Array {
  const deflate = (b: Uint8Array) => {
    const out: Uint8Array[] = [];
    const d = new Deflate({ level: 9 }, (chunk) => out.push(chunk));
    d.push(b, true);
    return Buffer.concat(out);
  };
  // A small stream: pdf.js sizes the image from the dictionary, not from the data.
  const pixels = deflate(new Uint8Array(1 << 20).fill(200));
  const parts: Array<string | Uint8Array> = [];
  const offsets: number[] = [];
  let length = 0;
  const emit = (p: string | Uint8Array) => {
    parts.push(p);
    length += typeof p === 'string' ? Buffer.byteLength(p, 'latin1') : p.length;
  };
  const obj = (n: number, body: string | Array<string | Uint8Array>) => {
    offsets[n] = length;
    emit(`${n} 0 obj\n`);
    for (const b of Array.isArray(body) ? body : [body]) emit(b);
    emit('\nendobj\n');
  };
  emit('%PDF-1.4\n');
  const kids = Array.from({ length: pages }, (_, i) => `${4 + i * 2} 0 R`).join(' ');
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  obj(3, [
    `<< /Type /XObject /Subtype /Image /Width ${size} /Height ${size} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${pixels.length} >>\nstream\n`,
    pixels,
    '\nendstream',
  ]);
  for (let i = 0; i < pages; i++) {
    const draw = 'q 595 0 0 842 0 0 cm /Im0 Do Q';
    obj(
      4 + i * 2,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
    );
    obj(5 + i * 2, `<< /Length ${draw.length} >>\nstream\n${draw}\nendstream`);
  }
  const count = 3 + pages * 2;
  const xref = length;
  emit(`xref\n0 ${count + 1}\n0000000000 65535 f \n`);
  for (let n = 1; n <= count; n++) emit(`${String(offsets[n]).padStart(10, '0')} 00000 n \n`);
  emit(`trailer\n<< /Size ${count + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

/**
 * A DOCX whose headers say word/document.xml is 1000 bytes while it inflates to `inflated` bytes
 * (the size check trusted the headers). Sizes are patched in both the local and central headers.
 */
export function lyingDocx(inflated = 64 << 20, declared = 1000): Uint8Array {
  const head =
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const xml = new Uint8Array(inflated).fill(0x20);
  xml.set(strToU8(head));
  const zip = Buffer.from(
    zipSync({
      '[Content_Types].xml': strToU8(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
      'word/document.xml': xml,
    }),
  );
  const name = Buffer.from('word/document.xml');
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = zip.readUInt32LE(i);
    if (sig === 0x04034b50 && zip.subarray(i + 30, i + 30 + name.length).equals(name))
      zip.writeUInt32LE(declared, i + 22);
    if (sig === 0x02014b50 && zip.subarray(i + 46, i + 46 + name.length).equals(name))
      zip.writeUInt32LE(declared, i + 24);
  }
  return zip;
}

/** Every hostile case as a file in `dir`: name → the reason its one line must give. */
export function writeHostileFiles(dir: string): Array<{ file: string; reason: RegExp }> {
  const out: Array<{ file: string; reason: RegExp }> = [];
  const put = (name: string, data: string | Uint8Array, reason: RegExp) => {
    const file = path.join(dir, name);
    writeFileSync(file, data);
    out.push({ file, reason });
  };
  put('huge-span.html', hugeSpanHtml(), /too large: .*table grid/);
  put('giant-image.pdf', giantImagePdf(), /too large: .*30000×30000/);
  put('lying-sizes.docx', lyingDocx(), /too large: ZIP entry word\/document\.xml inflates beyond/);
  const fifo = path.join(dir, 'pipe.html');
  execFileSync('mkfifo', [fifo]);
  out.push({ file: fifo, reason: /not a regular file \(a FIFO\)/ });
  const zero = path.join(dir, 'zero.pdf');
  symlinkSync('/dev/zero', zero);
  out.push({ file: zero, reason: /not a regular file \(a device\)/ });
  return out;
}
