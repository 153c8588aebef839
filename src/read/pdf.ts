// PDF with a text layer → Document: positioned text runs (pdf.js) laid out by positioned.ts. Table
// structure is then found by the same token stream as HTML and text.
import { LIMITS } from '../settings.ts';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Block, Document } from './document.ts';
import { layoutPage, type Run } from './positioned.ts';
import { garbageShare, repairMojibake } from './repair.ts';
import { BudgetError } from './budget.ts';

const require = createRequire(import.meta.url);
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));
// Without these, Chinese PDFs with non-embedded CID fonts yield empty text and no error.
const CMAP_URL = path.join(PDFJS_DIR, 'cmaps') + path.sep;
const FONT_URL = path.join(PDFJS_DIR, 'standard_fonts') + path.sep;

/** Limits: a report is a few pages; a 200-page PDF is read up to this many pages, then cut with a warning. */
export const MAX_PDF_PAGES = LIMITS.pdf.maxPages;
/** Fewer extracted characters per page than this means there is no usable text layer (a scan). */
const MIN_CHARS_PER_PAGE = LIMITS.pdf.minCharsPerPage;

/** Images with more pixels are not decoded (pdf.js `maxImageSize`); a scan that needs one is refused. */
const MAX_IMAGE_PIXELS = LIMITS.pdfImage.maxPixels;

/**
 * The largest image a PDF declares, from its stream dictionaries (image XObjects are streams, and
 * streams are never inside object streams, so their dictionaries are in the file as written).
 */
export function largestDeclaredImage(bytes: Uint8Array): { width: number; height: number } | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let best: { width: number; height: number } | null = null;
  for (const m of text.matchAll(/\/Subtype\s*\/Image/g)) {
    const dict = text.slice(Math.max(0, m.index - 600), m.index + 600);
    const w = /\/Width\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
    const h = /\/Height\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
    if (!w || !h) continue;
    const width = Number(w[1]);
    const height = Number(h[1]);
    if (!best || width * height > best.width * best.height) best = { width, height };
  }
  return best;
}

export class PdfError extends Error {
  override name = 'PdfError';
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

/** The document info title, through pdf-parse (the design card's PDF package; same pdf.js inside). */
async function documentTitle(bytes: Uint8Array): Promise<string | null> {
  const { PDFParse } = await import('pdf-parse');
  const parser = new PDFParse({
    data: new Uint8Array(bytes),
    cMapUrl: CMAP_URL,
    cMapPacked: true,
    standardFontDataUrl: FONT_URL,
    verbosity: 0,
  });
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
  let doc: Awaited<ReturnType<typeof getDocument>['promise']>;
  try {
    doc = await getDocument({
      data: new Uint8Array(bytes),
      cMapUrl: CMAP_URL,
      cMapPacked: true,
      standardFontDataUrl: FONT_URL,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
      stopAtErrors: false,
      // pdf.js removes larger images instead of decoding them (a 30000×30000 one would take GBs).
      maxImageSize: MAX_IMAGE_PIXELS,
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
    if (doc.numPages > MAX_PDF_PAGES)
      warnings.push(`PDF has ${doc.numPages} pages; only the first ${MAX_PDF_PAGES} were read`);
    let chars = 0;
    const tableIndex = { next: 0 };
    const pageRuns: Run[][] = [];
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
      pageRuns.push(runs);
      page.cleanup();
    }
    // Latin-1 mojibake of GBK: repair when most suspicious runs decode cleanly into Chinese.
    const suspects = pageRuns.flat().filter((r) => /[\u0080-\u00ff]/.test(r.text) && !/[\u3400-\u9fff]/.test(r.text));
    const repaired = suspects.map((r) => repairMojibake(r.text));
    if (suspects.length >= 3 && repaired.filter(Boolean).length >= 0.7 * suspects.length) {
      suspects.forEach((r, i) => {
        if (repaired[i]) r.text = repaired[i]!;
      });
      warnings.push(`text layer repaired: ${repaired.filter(Boolean).length} runs of latin-1 mojibake decoded as GBK`);
    }
    const unusable = garbageShare(pageRuns.flat().map((r) => r.text)) > 0.3;
    if (unusable)
      warnings.push(
        'text layer unusable (fonts without ToUnicode: private-use or replacement characters); OCR is not available, so its tables were not read',
      );
    for (const [i, runs] of pageRuns.entries()) layoutPage(runs, i + 1, blocks, tableIndex);
    scanned = unusable || chars < MIN_CHARS_PER_PAGE * pages;
    if (scanned && !unusable) {
      const img = largestDeclaredImage(bytes);
      if (img && img.width * img.height > MAX_IMAGE_PIXELS)
        throw new BudgetError(
          `a page image of ${img.width}×${img.height} pixels exceeds the ${MAX_IMAGE_PIXELS / 1e6} M pixel limit for OCR`,
        );
      const ocr = await import('./ocr.ts');
      const images = ocr.ocrAvailable() ? await ocr.pageImages(doc, pages) : [];
      if (images.length) {
        const read = await ocr.ocrPages(images);
        blocks.splice(0, blocks.length, ...read.blocks);
        // With no table grid found, the scan still needs a person (but its title may now be known).
        scanned = read.blocks.every((b) => b.type !== 'table');
        warnings.push(
          scanned
            ? `image-only PDF: OCR found no ruled table on ${images.length} page images; tables not read`
            : `image-only PDF: ${read.cells} table cells read by OCR from ${images.length} page images; every OCR table goes to review`,
        );
        return { media: 'pdf', encoding: null, blocks, meta: { title }, warnings, scanned };
      }
    }
    if (scanned && !unusable)
      warnings.push(
        `no usable text layer (${chars} characters on ${pages} pages): a scan or image-only PDF; OCR is not available, so its tables were not read`,
      );
  } finally {
    await doc.destroy();
  }
  return { media: 'pdf', encoding: null, blocks, meta: { title }, warnings, scanned };
}
