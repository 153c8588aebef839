// OCR of scanned pages (tesseract.js with the chi_sim and eng data shipped on npm: fully offline).
// Whole-page OCR of bordered tables loses numbers, so the table grid is segmented first
// (ocr-grid.ts) and every cell is read on its own: narrow cells with a digit whitelist, labels and
// anything doubtful with chi_sim. Every cell read this way is marked `ocr` with its confidence.
import { LIMITS } from '../settings.ts';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Block, GridCell, Origin, TableBlock } from './document.ts';
import { noOrigin } from './document.ts';
import { crop, gridBands, inkAspect, toGray, type Box, type Gray } from './ocr-grid.ts';

const require = createRequire(import.meta.url);
/** Pages OCR'd at most per document (a report's tables are within its first pages). */
export const MAX_OCR_PAGES = LIMITS.ocr.maxPages;
/** Below this confidence (0–100) a value cell is not trusted as a number. */
const MIN_VALUE_CONFIDENCE = LIMITS.ocr.minValueConfidence;
/** Ink wider than this many line heights is text to read with chi_sim first (numbers are short). */
const NUMBER_ASPECT = 4.5;
/** A digits-only reading is taken at or above this confidence; anything else goes to chi_sim. */
const DIGITS_CONFIDENCE = LIMITS.ocr.digitsConfidence;

type Worker = Awaited<ReturnType<typeof import('tesseract.js').createWorker>>;

export interface PageImage {
  page: number;
  gray: Gray;
  /** The scan's resolution: image pixels per inch of the page it covers. */
  dpi: number;
}

/** Image pixels over the page width in inches (a scan covers its page). */
export function imageDpi(imageWidthPx: number, pageWidthPt: number): number {
  return pageWidthPt > 0 ? imageWidthPx / (pageWidthPt / 72) : LIMITS.ocr.targetDpi;
}

/** How much to enlarge crops of a scan at `dpi` so tesseract sees them at the target resolution. */
export function ocrScale(dpi: number): number {
  return Math.min(LIMITS.ocr.maxScale, Math.max(1, LIMITS.ocr.targetDpi / dpi));
}

/** Whether the OCR packages are installed (they are optional: without them scans go to a person). */
export function ocrAvailable(): boolean {
  try {
    require.resolve('tesseract.js');
    require.resolve('@tesseract.js-data/chi_sim/package.json');
    require.resolve('@tesseract.js-data/eng/package.json');
    return true;
  } catch {
    return false;
  }
}

const pgm = (g: Gray) => Buffer.concat([Buffer.from(`P5\n${g.width} ${g.height}\n255\n`), Buffer.from(g.data)]);

/** Tesseract reads digits best at about 300 dpi: enlarge (bilinear) by the scan's own factor. */
function upscale(g: Gray, f: number): Gray {
  if (f <= 1) return g;
  const w = Math.round(g.width * f),
    h = Math.round(g.height * f);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(g.height - 1, Math.max((y + 0.5) / f - 0.5, 0));
    const y0 = Math.floor(sy),
      y1 = Math.min(g.height - 1, y0 + 1),
      dy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(g.width - 1, Math.max(0, (x + 0.5) / f - 0.5));
      const x0 = Math.floor(sx),
        x1 = Math.min(g.width - 1, x0 + 1),
        dx = sx - x0;
      const a = g.data[y0 * g.width + x0]!,
        b = g.data[y0 * g.width + x1]!,
        c = g.data[y1 * g.width + x0]!,
        d = g.data[y1 * g.width + x1]!;
      out[y * w + x] = (a * (1 - dx) + b * dx) * (1 - dy) + (c * (1 - dx) + d * dx) * dy;
    }
  }
  return { width: w, height: h, data: out };
}
const dataDir = (pkg: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), '4.0.0_best_int');

/** The largest image painted on each page of a PDF (a scan has one per page). */
export async function pageImages(
  doc: import('pdfjs-dist/legacy/build/pdf.mjs').PDFDocumentProxy,
  pages: number,
): Promise<PageImage[]> {
  const { OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const out: PageImage[] = [];
  for (let p = 1; p <= Math.min(pages, MAX_OCR_PAGES); p++) {
    const page = await doc.getPage(p);
    const ops = await page.getOperatorList();
    let best: { width: number; height: number; kind: number; data: Uint8ClampedArray } | null = null;
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (ops.fnArray[i] !== OPS.paintImageXObject) continue;
      const name = ops.argsArray[i][0] as string;
      const img = (await new Promise((resolve) => page.objs.get(name, resolve as (v: unknown) => void))) as {
        width: number;
        height: number;
        kind: number;
        data: Uint8ClampedArray;
      } | null;
      if (img?.data && (!best || img.width * img.height > best.width * best.height)) best = img;
    }
    const [x0 = 0, , x1 = 0] = page.view;
    if (best) out.push({ page: p, gray: imageToGray(best), dpi: imageDpi(best.width, x1 - x0) });
    page.cleanup();
  }
  return out;
}

/** pdf.js image kinds: 1 = 1 bit grey (packed rows), 2 = RGB, 3 = RGBA. */
function imageToGray(img: { width: number; height: number; kind: number; data: Uint8ClampedArray }): Gray {
  if (img.kind !== 1) return toGray(img.width, img.height, img.data, img.kind === 2 ? 3 : 4);
  const out = new Uint8Array(img.width * img.height);
  const stride = Math.ceil(img.width / 8);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      out[y * img.width + x] = (img.data[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
  return { width: img.width, height: img.height, data: out };
}

const cellOrigin = (page: number, b: Box, row: number, col: number, table: number, confidence: number): Origin => ({
  ...noOrigin(),
  page,
  table_index: table,
  row_index: row,
  col_index: col,
  bbox: [b.x0, b.y0, b.x1, b.y1],
  ocr: true,
  confidence: Math.round(confidence) / 100,
});

/** OCR the tables of scanned pages (and the title area of the first page) into Document blocks. */
export async function ocrPages(images: PageImage[]): Promise<{ blocks: Block[]; cells: number }> {
  const { createWorker, PSM } = await import('tesseract.js');
  const opts = { cacheMethod: 'none', gzip: true, logger: () => {} } as const;
  let chi: Worker | null = null;
  let eng: Worker | null = null;
  try {
    chi = await createWorker('chi_sim', 1, { ...opts, langPath: dataDir('@tesseract.js-data/chi_sim') });
    eng = await createWorker('eng', 1, { ...opts, langPath: dataDir('@tesseract.js-data/eng') });
    await chi.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK, preserve_interword_spaces: '1' });
    await eng.setParameters({ tessedit_char_whitelist: '0123456789.-+', tessedit_pageseg_mode: PSM.SINGLE_LINE });
    const blocks: Block[] = [];
    let cells = 0;
    let tableIndex = 0;
    for (const { page, gray, dpi } of images) {
      const scale = ocrScale(dpi);
      const bands = gridBands(gray);
      // The title and byline sit above the first table of the first page.
      if (page === images[0]!.page) {
        const top = crop(
          gray,
          { x0: 0, y0: 0, x1: gray.width, y1: bands[0]?.box.y0 ?? Math.round(gray.height * 0.35) },
          0,
        );
        if (top) {
          const r = await chi.recognize(pgm(top));
          r.data.text
            .split('\n')
            .map((l) => l.replace(/\s+/g, ''))
            .filter(Boolean)
            .forEach((text, i) =>
              blocks.push({
                type: 'paragraph',
                text,
                origin: { ...noOrigin(), page, line: i + 1, ocr: true, confidence: r.data.confidence / 100 },
              }),
            );
        }
      }
      let table: TableBlock | null = null;
      let lastBottom = -1;
      for (const band of bands) {
        if (!table || band.box.y0 - lastBottom > 4) {
          table = { type: 'table', index: tableIndex++, rows: [] };
          blocks.push(table);
        }
        lastBottom = band.box.y1;
        const row: GridCell[] = [];
        for (const [col, box] of band.cells.entries()) {
          const raw = crop(gray, box);
          const img = raw && upscale(raw, scale);
          let text = '';
          let confidence = 100;
          if (img) {
            cells++;
            // Short ink is probably a number: digits first, chi_sim when that reading is doubtful.
            const short = inkAspect(raw!) < NUMBER_ASPECT;
            let r = short ? await eng.recognize(pgm(img)) : null;
            const digits = !!r && /^[\d.+-]+$/.test(r.data.text.trim()) && r.data.confidence >= DIGITS_CONFIDENCE;
            if (!digits) r = await chi.recognize(pgm(img));
            text = r!.data.text.replace(/\s+/g, digits ? '' : ' ').trim();
            confidence = r!.data.confidence;
            // A doubtful number is not a number: leave it for a person ("?" reads as text).
            if (/^[\d\s.+-]+$/.test(text) && confidence < MIN_VALUE_CONFIDENCE) text = `?${text}`;
          }
          row.push({
            text,
            origin: cellOrigin(page, box, table.rows.length, col, table.index, confidence),
            spanned: false,
          });
        }
        table.rows.push(row);
      }
    }
    return { blocks, cells };
  } finally {
    await chi?.terminate();
    await eng?.terminate();
  }
}
