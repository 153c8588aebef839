// PDF with a text layer → Document: positioned text runs (pdf.js) → lines by y → cells by x gaps.
// Each line with several cells becomes a table row (origin: page, line, bbox), other lines become
// paragraphs. Table structure is then found by the same token stream as HTML and text.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Block, Document, GridCell, Origin, TableBlock } from './document.ts';
import { noOrigin } from './document.ts';

const require = createRequire(import.meta.url);
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));
// Without these, Chinese PDFs with non-embedded CID fonts yield empty text and no error.
const CMAP_URL = path.join(PDFJS_DIR, 'cmaps') + path.sep;
const FONT_URL = path.join(PDFJS_DIR, 'standard_fonts') + path.sep;

/** Limits: a report is a few pages; a 200-page PDF is read up to this many pages, then cut with a warning. */
export const MAX_PDF_PAGES = 60;
/** Fewer extracted characters per page than this means there is no usable text layer (a scan). */
const MIN_CHARS_PER_PAGE = 20;

export class PdfError extends Error {
  override name = 'PdfError';
}

interface Run {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

let pdfjs: typeof import('pdfjs-dist/legacy/build/pdf.mjs') | null = null;
async function loadPdfjs() {
  if (!pdfjs) {
    pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    pdfjs.GlobalWorkerOptions.workerSrc = require.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');
  }
  return pdfjs;
}

/** Group runs into lines: same baseline within half a glyph height. */
function lines(runs: Run[]): Run[][] {
  const sorted = [...runs].sort((a, b) => b.y - a.y || a.x - b.x);
  const out: Run[][] = [];
  for (const r of sorted) {
    const line = out[out.length - 1];
    const ref = line?.[0];
    if (line && ref && Math.abs(ref.y - r.y) <= Math.max(2, 0.5 * Math.min(ref.h || 10, r.h || 10))) line.push(r);
    else out.push([r]);
  }
  return out.map((l) => l.sort((a, b) => a.x - b.x));
}

/** Split a line into cells where the gap between runs is wider than most of a glyph. */
function cells(line: Run[]): Run[] {
  const out: Run[] = [];
  for (const r of line) {
    const prev = out[out.length - 1];
    const size = r.h || 10;
    const gap = prev ? r.x - (prev.x + prev.w) : Infinity;
    if (prev && gap < 0.6 * size) {
      // Within a cell: glue; a visible gap inside digits is kept as a space (parseValue joins "1 2").
      prev.text += gap > 0.2 * size ? ` ${r.text}` : r.text;
      prev.w = r.x + r.w - prev.x;
      prev.h = Math.max(prev.h, r.h);
    } else out.push({ ...r });
  }
  return out;
}

/** The document info title, through pdf-parse (the design card's PDF package; same pdf.js inside). */
async function documentTitle(bytes: Uint8Array): Promise<string | null> {
  const { PDFParse } = await import('pdf-parse');
  const parser = new PDFParse({ data: new Uint8Array(bytes), cMapUrl: CMAP_URL, cMapPacked: true, standardFontDataUrl: FONT_URL, verbosity: 0 });
  try {
    const info = await parser.getInfo();
    const t = (info.info as { Title?: unknown } | undefined)?.Title;
    return typeof t === 'string' && t.trim() ? t.trim() : null;
  } catch {
    return null; // the info dictionary is optional; the text layer decides what the PDF is
  } finally {
    await parser.destroy();
  }
}

export async function readPdf(bytes: Uint8Array): Promise<Document> {
  const { getDocument } = await loadPdfjs();
  let doc;
  try {
    doc = await getDocument({
      data: new Uint8Array(bytes), cMapUrl: CMAP_URL, cMapPacked: true, standardFontDataUrl: FONT_URL,
      isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0, stopAtErrors: false,
    }).promise;
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/password/i.test(msg)) throw new PdfError('encrypted PDF (needs a password)');
    throw new PdfError(`corrupt or truncated PDF: ${msg.split('\n')[0]}`);
  }
  const warnings: string[] = [];
  const blocks: Block[] = [];
  let title: string | null = null;
  let scanned = false;
  try {
    title = await documentTitle(bytes);
    const pages = Math.min(doc.numPages, MAX_PDF_PAGES);
    if (doc.numPages > MAX_PDF_PAGES) warnings.push(`PDF has ${doc.numPages} pages; only the first ${MAX_PDF_PAGES} were read`);
    let chars = 0;
    let tableIndex = 0;
    for (let p = 1; p <= pages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const runs: Run[] = [];
      for (const item of content.items as PdfTextItem[]) {
        if (typeof item.str !== 'string' || !item.str.trim()) continue;
        const [, , , d = 0, x = 0, y = 0] = item.transform;
        runs.push({ text: item.str, x, y, w: item.width, h: Math.abs(item.height || d) });
        chars += item.str.trim().length;
      }
      let table: TableBlock | null = null;
      lines(runs).forEach((line, lineNo) => {
        const cs = cells(line);
        const origin = (c: Run, col: number | null): Origin => ({ ...noOrigin(), page: p, line: lineNo + 1, col_index: col, bbox: [c.x, c.y, c.x + c.w, c.y + c.h] });
        if (cs.length === 1) {
          table = null;
          blocks.push({ type: 'paragraph', text: cs[0]!.text.trim(), origin: origin(cs[0]!, null) });
          return;
        }
        if (!table) {
          table = { type: 'table', index: tableIndex++, rows: [] };
          blocks.push(table);
        }
        const row: GridCell[] = cs.map((c, i) => ({ text: c.text.trim(), origin: origin(c, i), spanned: false }));
        table.rows.push(row);
      });
      page.cleanup();
    }
    scanned = chars < MIN_CHARS_PER_PAGE * pages;
    if (scanned) warnings.push(`no usable text layer (${chars} characters on ${pages} pages): a scan or image-only PDF; OCR is not available, so its tables were not read`);
  } finally {
    await doc.destroy();
  }
  return { media: 'pdf', encoding: null, blocks, meta: { title }, warnings, scanned };
}
