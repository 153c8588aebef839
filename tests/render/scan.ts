// Scans of the project's own renderings: the PDF rasterised by pdftoppm at a chosen resolution
// (grey), the page images placed full-page in a new PDF with no text layer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';

export async function imageOnlyPdf(pdf: Uint8Array, dpi = 150): Promise<Uint8Array> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-scan-'));
  try {
    writeFileSync(path.join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-png', path.join(dir, 'in.pdf'), path.join(dir, 'p')]);
    const doc = new PDFDocument({ autoFirstPage: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Uint8Array>((r) => doc.on('end', () => r(Buffer.concat(chunks))));
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.png'))
      .sort()) {
      doc.addPage({ size: 'A4', margin: 0 });
      doc.image(readFileSync(path.join(dir, f)), 0, 0, { width: 595.28, height: 841.89 });
    }
    doc.end();
    return await done;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
