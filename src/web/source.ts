// The source at a cell, for the review desk. Report HTML is rewritten on the server (scripts, event
// handlers, links, forms, embedded resources removed; the cell marked) and only ever served into a
// sandboxed frame under `Content-Security-Policy: sandbox; default-src 'none'`. PDF pages are
// rendered to PNG by poppler in a child process with a timeout; scans show their own page image.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { decodeBytes } from '../read/decode.ts';
import { LIMITS } from '../settings.ts';
import { SKIP } from '../read/html.ts'; // their tables are not counted either

const run = promisify(execFile);

export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Elements removed from a report before it is shown: active content and anything that loads. */
const DROP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'link',
  'meta',
  'base',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'svg',
  'math',
  'img',
  'picture',
  'source',
  'video',
  'audio',
  'track',
  'canvas',
  'portal',
  'head',
  'title',
]);
/** Attributes kept (everything else — on*, href, src, style, action … — is dropped). */
const KEEP_ATTRS = new Set(['rowspan', 'colspan', 'align', 'valign', 'border', 'cellspacing', 'cellpadding', 'width']);

const isEl = (n: AnyNode): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style';
const hidden = (el: Element) => {
  const style = el.attribs.style;
  return (style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) || 'hidden' in el.attribs;
};
const containsTable = (el: Element): boolean =>
  el.children.some((c) => isEl(c) && (c.name === 'table' || containsTable(c)));

function rowsOf(table: Element): Element[] {
  const rows: Element[] = [];
  const visit = (el: Element) => {
    for (const c of el.children) {
      if (!isEl(c)) continue;
      if (c.name === 'tr') rows.push(c);
      else if (c.name === 'thead' || c.name === 'tbody' || c.name === 'tfoot') visit(c);
    }
  };
  visit(table);
  return rows;
}

/** The cell the HTML reader calls (table_index, row_index, col_index): the same walk, the same order. */
function findCell(root: AnyNode, at: CellAt): Element | null {
  if (at.table_index === null || at.row_index === null) return null;
  let n = 0;
  let found: Element | null = null;
  const walk = (node: AnyNode): void => {
    if (found) return;
    if (isEl(node)) {
      if (SKIP.has(node.name) || node.name === 'head' || hidden(node)) return;
      if (node.name === 'table' && !containsTable(node)) {
        if (n++ === at.table_index) {
          const tr = rowsOf(node)[at.row_index!];
          const cells = tr?.children.filter((c): c is Element => isEl(c) && (c.name === 'td' || c.name === 'th')) ?? [];
          found = (at.col_index !== null ? cells[at.col_index] : tr) ?? tr ?? node;
        }
        return;
      }
    }
    for (const c of (node as Element).children ?? []) walk(c);
  };
  walk(root);
  return found;
}

export interface CellAt {
  table_index: number | null;
  row_index: number | null;
  col_index: number | null;
  line: number | null;
}

function stripActive(node: AnyNode): void {
  if (!('children' in node)) return;
  const el = node as Element;
  el.children = el.children.filter((c) => {
    if (c.type === 'directive' || c.type === 'comment' || c.type === 'cdata') return false;
    if (isEl(c) && DROP.has(c.name)) return false;
    return true;
  });
  for (const c of el.children) {
    if (isEl(c)) {
      for (const a of Object.keys(c.attribs)) if (!KEEP_ATTRS.has(a)) delete c.attribs[a];
      stripActive(c);
    }
  }
}

const SOURCE_STYLE = `body{font:14px/1.5 "WenQuanYi Micro Hei",sans-serif;margin:8px;color:#222}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #999;padding:2px 4px}
#nianbao-hit{outline:3px solid #d00;background:#ffe08a}pre{font:13px/1.45 monospace;white-space:pre-wrap}
.ln{color:#999;user-select:none}`;

function page(body: string, nonce: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style nonce="${nonce}">${SOURCE_STYLE}</style></head><body>${body}</body></html>`;
}

/** A report's HTML, inert, with the cell marked `id="nianbao-hit"` (the frame's URL ends in #nianbao-hit). */
export function sourceHtml(html: string, at: CellAt, nonce: string): string {
  // Entities decoded here (the reader decodes them later): serialising escapes every text node again.
  const root = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const hit = findCell(root, at);
  stripActive(root);
  if (hit) hit.attribs.id = 'nianbao-hit';
  const $ = cheerio.load(root as unknown as AnyNode, { xml: false }, false);
  const body = $('body').length ? ($('body').html() ?? '') : $.html();
  return page(body, nonce);
}

/** A text copy with numbered lines, the cell's line marked. */
export function sourceText(text: string, line: number | null, nonce: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  const out = lines.map((l, i) => {
    const n = i + 1;
    return `<span${n === line ? ' id="nianbao-hit"' : ''}><span class="ln">${String(n).padStart(4)} </span>${esc(l)}</span>`;
  });
  return page(`<pre>${out.join('\n')}</pre>`, nonce);
}

export function decodeForView(bytes: Uint8Array, media: string): { text: string; html: boolean } {
  const isHtml = media === 'html';
  return { text: decodeBytes(bytes, { html: isHtml }).text, html: isHtml };
}

/** DOCX → the HTML the reader read (mammoth), so table positions match. */
export async function docxHtml(bytes: Uint8Array): Promise<string> {
  const { checkZip } = await import('../read/zip-guard.ts');
  checkZip(bytes);
  const mammoth = (await import('mammoth')).default;
  return (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })).value;
}

/** Legacy .doc → the text the reader read (word-extractor, same line breaks), so line numbers match. */
export async function docText(bytes: Uint8Array): Promise<string> {
  const { default: WordExtractor } = await import('word-extractor');
  const extracted = await new WordExtractor().extract(Buffer.from(bytes));
  return extracted.getBody().replace(/\r/g, '\n');
}

// ------------------------------------------------------------------ OFD pages (drawn from the reader's text)

export interface OfdPage {
  svg: string;
  /** page size in millimetres: A4 unless the text runs further */
  width: number;
  height: number;
}

/**
 * An OFD page as SVG, drawn from the positioned text the reader read (no OFD renderer exists for
 * Node or poppler): every line and cell at its Boundary, in millimetres, y downwards. Text escaped;
 * shown through <img>, where SVG can run nothing.
 */
export async function ofdPage(bytes: Uint8Array, pageNo: number): Promise<OfdPage> {
  const { readOfd } = await import('../read/ofd.ts');
  const doc = readOfd(bytes);
  const runs: Array<{ text: string; b: [number, number, number, number] }> = [];
  for (const block of doc.blocks) {
    if (block.type === 'paragraph') {
      if (block.origin.page === pageNo && block.origin.bbox) runs.push({ text: block.text, b: block.origin.bbox });
      continue;
    }
    const seen = new Set<string>();
    for (const row of block.rows)
      for (const cell of row) {
        const o = cell.origin;
        if (cell.spanned || o.page !== pageNo || !o.bbox || seen.has(o.bbox.join())) continue;
        seen.add(o.bbox.join());
        runs.push({ text: cell.text, b: o.bbox });
      }
  }
  // The reader stores y negated (bottom-up like PDF): the top of a run is -y1, its baseline -y0.
  const width = Math.max(210, ...runs.map((r) => r.b[2] + 10));
  const height = Math.max(297, ...runs.map((r) => -r.b[1] + 10));
  const texts = runs.map(
    (r) =>
      `<text x="${r.b[0].toFixed(2)}" y="${(-r.b[1]).toFixed(2)}" font-size="${Math.max(1, r.b[3] - r.b[1]).toFixed(2)}">${esc(r.text)}</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${Math.round(width * 4)}" height="${Math.round(height * 4)}"><rect width="100%" height="100%" fill="#fff"/><g font-family="WenQuanYi Micro Hei, sans-serif" fill="#111">${texts.join('')}</g></svg>`;
  return { svg, width, height };
}

// ------------------------------------------------------------------ page images (poppler)

export interface PageImage {
  png: Buffer;
  width: number;
  height: number;
}

const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });

/** Renders and scan extractions, cached per document and page (in memory, bounded; files in a temp dir). */
export class PageRenderer {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'nianbao-render-'));
  private readonly cache = new Map<string, Promise<PageImage>>();

  constructor(private readonly bytesOf: (sha: string) => Promise<Uint8Array | null>) {}

  private async input(sha: string): Promise<string> {
    const file = path.join(this.dir, `${sha}.pdf`);
    try {
      statSync(file);
    } catch {
      const bytes = await this.bytesOf(sha);
      if (!bytes) throw new Error(`no document ${sha}`);
      writeFileSync(file, bytes);
    }
    return file;
  }

  private cached(key: string, make: () => Promise<PageImage>): Promise<PageImage> {
    let p = this.cache.get(key);
    if (!p) {
      p = make();
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
      if (this.cache.size > LIMITS.serve.renderCacheEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    return p;
  }

  /** The page drawn by pdftoppm at `dpi`; bboxes in PDF points scale by dpi / 72. */
  page(sha: string, pageNo: number): Promise<PageImage> {
    return this.cached(`${sha}/${pageNo}`, async () => {
      const input = await this.input(sha);
      const out = path.join(this.dir, `${sha}-${pageNo}`);
      const dpi = String(LIMITS.serve.renderDpi);
      await run(
        'pdftoppm',
        ['-f', String(pageNo), '-l', String(pageNo), '-r', dpi, '-png', '-singlefile', input, out],
        {
          timeout: LIMITS.serve.renderTimeoutMs,
        },
      );
      const png = readFileSync(`${out}.png`);
      return { png, ...pngSize(png) };
    });
  }

  /** A scanned page's own image (the largest on the page), in which OCR bboxes are pixels. */
  scan(sha: string, pageNo: number): Promise<PageImage> {
    return this.cached(`${sha}/scan/${pageNo}`, async () => {
      const input = await this.input(sha);
      const dir = path.join(this.dir, `${sha}-scan-${pageNo}`);
      mkdirSync(dir, { recursive: true });
      await run('pdfimages', ['-f', String(pageNo), '-l', String(pageNo), '-png', input, path.join(dir, 'img')], {
        timeout: LIMITS.serve.renderTimeoutMs,
      });
      const files = readdirSync(dir).map((f) => path.join(dir, f));
      if (!files.length) throw new Error(`page ${pageNo} has no image`);
      const largest = files
        .map((f) => ({ f, png: readFileSync(f) }))
        .map((x) => ({ ...x, ...pngSize(x.png) }))
        .sort((a, b) => b.width * b.height - a.width * a.height)[0]!;
      return { png: largest.png, width: largest.width, height: largest.height };
    });
  }
}
