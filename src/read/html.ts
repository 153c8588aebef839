// HTML → Document: paragraphs in reading order and table grids with rowspan/colspan expanded.
// Parses with htmlparser2 (the parser cheerio uses in its fast mode; about 3x faster than parse5 on
// Word-pasted pages) and walks the raw DOM nodes directly: cheerio's wrapper added ~40 % per page.
// Entities are decoded only in the text that is kept (another ~20 % off the parse).
import { LIMITS } from '../settings.ts';
import { decodeHTML } from 'entities';
import { parseDocument } from 'htmlparser2';
import type { AnyNode, Element } from 'domhandler';
import type { Block, Document, GridCell, Origin, TableBlock } from './document.ts';

/** Entities are rare in Word-pasted text apart from &nbsp;: decode only text that has one. */
const decode = (s: string): string => (s.includes('&') ? decodeHTML(s) : s);
import { noOrigin } from './document.ts';
import { CellBudget } from './budget.ts';

/** Elements the reader never reads (active content, form controls, embeds). */
export const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'select',
  'option',
  'iframe',
  'object',
  'svg',
  'button',
  'textarea',
]);
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'pre',
  'dd',
  'dt',
  'dl',
  'center',
  'hr',
  'tr',
  'td',
  'th',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'caption',
  'form',
  'nav',
  'aside',
  'main',
  'address',
  'figure',
  'figcaption',
  'body',
  'html',
]);
/** Limits that keep a hostile page from allocating a huge grid. */
const MAX_SPAN_COLS = LIMITS.html.maxSpanCols;
const MAX_SPAN_ROWS = LIMITS.html.maxSpanRows;

const isElement = (n: AnyNode): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style';

function hidden(el: Element): boolean {
  const style = el.attribs['style'];
  return (style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) || 'hidden' in el.attribs;
}

/** Text of a node with markup removed; block boundaries inside table cells join without a space. */
function textOf(node: AnyNode, out: string[]): void {
  if (node.type === 'text') out.push((node as unknown as { data: string }).data);
  else if (isElement(node)) {
    if (SKIP.has(node.name) || hidden(node)) return;
    for (const c of node.children) textOf(c, out);
  }
}

function containsTable(el: Element): boolean {
  for (const c of el.children) {
    if (!isElement(c)) continue;
    if (c.name === 'table' || containsTable(c)) return true;
  }
  return false;
}

function rowsOf(table: Element): Element[] {
  const rows: Element[] = [];
  const visit = (el: Element) => {
    for (const c of el.children) {
      if (!isElement(c)) continue;
      if (c.name === 'tr') rows.push(c);
      else if (c.name === 'thead' || c.name === 'tbody' || c.name === 'tfoot') visit(c);
    }
  };
  visit(table);
  return rows;
}

function span(el: Element, attr: string, max: number): number {
  const n = Number.parseInt(el.attribs[attr] ?? '1', 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : 1;
}

const newBudget = () => new CellBudget(LIMITS.doc.maxTableCells, LIMITS.doc.maxGridCells);

/**
 * Expand a table into a grid; each copy of a merged cell points back at the cell's own position.
 * Overlapping merges push cells right without bound, so every expanded cell counts against `budget`.
 */
export function buildGrid(table: Element, index: number, budget: CellBudget = newBudget()): TableBlock {
  const grid: GridCell[][] = [];
  let cells = 0;
  rowsOf(table).forEach((tr, r) => {
    grid[r] ??= [];
    let c = 0;
    let cellIndex = 0;
    for (const td of tr.children) {
      if (!isElement(td) || (td.name !== 'td' && td.name !== 'th')) continue;
      const row = grid[r]!;
      while (row[c] !== undefined) c++;
      const parts: string[] = [];
      textOf(td, parts);
      const text = decode(parts.join(''))
        .replace(/[\s\u00a0\u3000]+/g, ' ')
        .trim();
      const origin: Origin = { ...noOrigin(), table_index: index, row_index: r, col_index: cellIndex };
      const rs = span(td, 'rowspan', MAX_SPAN_ROWS);
      const cs = span(td, 'colspan', MAX_SPAN_COLS);
      cells += rs * cs;
      budget.add(rs * cs, cells);
      for (let dr = 0; dr < rs; dr++) {
        const target = (grid[r + dr] ??= []);
        for (let dc = 0; dc < cs; dc++) target[c + dc] = { text, origin, spanned: dr > 0 || dc > 0 };
      }
      c += cs;
      cellIndex++;
    }
  });
  // Rows declared by rowspan beyond the last <tr> are not printed rows.
  const printed = rowsOf(table).length;
  return {
    type: 'table',
    index,
    rows: grid
      .slice(0, printed)
      .map((row) => Array.from(row, (cell) => cell ?? { text: '', origin: noOrigin(), spanned: true })),
  };
}

function findFirst(node: AnyNode, name: string, depth: number): Element | null {
  const children = (node as Element).children ?? [];
  for (const c of children) {
    if (!isElement(c)) continue;
    if (c.name === name) return c;
    if (depth > 0) {
      const hit = findFirst(c, name, depth - 1);
      if (hit) return hit;
    }
  }
  return null;
}

/** Pictures declared smaller than this (px) are icons or spacers, not a printed table. */
const MIN_IMAGE_PX = 60;

export function readHtml(html: string, encoding: string | null): Document {
  const root = parseDocument(html, { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const blocks: Block[] = [];
  let line: string[] = [];
  let tableIndex = 0;
  let paragraphIndex = 0;
  const images: number[] = [];
  const budget = newBudget();
  const flush = () => {
    const text = decode(line.join(''))
      .replace(/[\s\u00a0\u3000]+/g, ' ')
      .trim();
    line = [];
    if (text) blocks.push({ type: 'paragraph', text, origin: { ...noOrigin(), line: paragraphIndex++ } });
  };
  const walk = (node: AnyNode): void => {
    if (node.type === 'text') {
      line.push((node as unknown as { data: string }).data);
      return;
    }
    if (!isElement(node) && node.type !== 'root') return;
    const children = (node as Element).children;
    if (isElement(node)) {
      if (SKIP.has(node.name) || node.name === 'head' || hidden(node)) return;
      if (node.name === 'img') {
        // A table printed as a picture: remember where (icons and spacers declare a small size).
        const size = Math.min(...['width', 'height'].map((a) => Number.parseInt(node.attribs[a] ?? '', 10) || 1e9));
        if (size >= MIN_IMAGE_PX) {
          flush();
          images.push(blocks.length);
        }
        return;
      }
      if (node.name === 'table' && !containsTable(node)) {
        flush();
        blocks.push(buildGrid(node, tableIndex++, budget));
        return;
      }
      if (BLOCK.has(node.name)) {
        flush();
        for (const c of children) walk(c);
        flush();
        return;
      }
    }
    for (const c of children) walk(c);
  };
  walk(root as unknown as AnyNode);
  flush();
  const titleEl = findFirst(root as unknown as AnyNode, 'title', 4);
  const parts: string[] = [];
  if (titleEl)
    for (const c of titleEl.children) if (c.type === 'text') parts.push((c as unknown as { data: string }).data);
  const title = decode(parts.join('')).replace(/\s+/g, ' ').trim() || null;
  return { media: 'html', encoding, blocks, meta: { title }, warnings: [], ...(images.length ? { images } : {}) };
}
