// A minimal PDF writer for tests (Latin text, Helvetica): enough for page-count and bad-input cases.
export function miniPdf(pages: string[]): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  const kids = pages.map((_, i) => `${3 + i * 2} 0 R`).join(' ');
  add(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  const fontRef = 3 + pages.length * 2;
  pages.forEach((text, i) => {
    const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${fontRef} 0 R >> >> /Contents ${4 + i * 2} 0 R >>`,
    );
    add(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  });
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

/** A ZIP whose central directory declares a huge entry: a bomb as far as any reader can tell. */
export function zipBomb(declaredBytes = 4_000_000_000): Uint8Array {
  const name = Buffer.from('word/document.xml');
  const data = Buffer.alloc(1000);
  // Local and central headers carry the same method, sizes and name length at different offsets.
  const header = (
    size: number,
    signature: number,
    at: { method: number; compressed: number; size: number; name: number },
  ) => {
    const b = Buffer.alloc(size);
    b.writeUInt32LE(signature, 0);
    b.writeUInt16LE(8, at.method);
    b.writeUInt32LE(data.length, at.compressed);
    b.writeUInt32LE(declaredBytes, at.size);
    b.writeUInt16LE(name.length, at.name);
    return b;
  };
  const local = header(30, 0x04034b50, { method: 8, compressed: 18, size: 22, name: 26 });
  const central = header(46, 0x02014b50, { method: 10, compressed: 20, size: 24, name: 28 });
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, eocd]);
}
