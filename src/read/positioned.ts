// Positioned text runs (PDF, OFD) → Document blocks: runs → lines by baseline → cells by x gaps.
// A line with several cells becomes a table row (origin: page, line, bbox); other lines paragraphs.
import type { Block, GridCell, Origin, TableBlock } from './document.ts';
import { noOrigin } from './document.ts';

/** One run of text; y grows upwards (PDF user space); h is the glyph height. */
export interface Run {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Group runs into lines: same baseline within half a glyph height. */
export function lines(runs: Run[]): Run[][] {
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
export function cells(line: Run[]): Run[] {
  const out: Run[] = [];
  for (const r of line) {
    const prev = out[out.length - 1];
    const size = r.h || 10;
    const gap = prev ? r.x - (prev.x + prev.w) : Infinity;
    if (prev && gap < 0.6 * size) {
      // Within a cell: glue; a visible gap inside digits is kept as a space (see splitDigits).
      prev.text += gap > 0.2 * size ? ` ${r.text}` : r.text;
      prev.w = r.x + r.w - prev.x;
      prev.h = Math.max(prev.h, r.h);
    } else out.push({ ...r });
  }
  return out;
}

/** Append one page's runs to the blocks; table indexes continue across pages. */
export function layoutPage(runs: Run[], page: number, blocks: Block[], tableIndex: { next: number }): void {
  let table: TableBlock | null = null;
  lines(runs).forEach((line, lineNo) => {
    const cs = cells(line);
    const origin = (c: Run, col: number | null): Origin => ({
      ...noOrigin(),
      page,
      line: lineNo + 1,
      col_index: col,
      bbox: [c.x, c.y, c.x + c.w, c.y + c.h],
    });
    if (cs.length === 1) {
      table = null;
      blocks.push({ type: 'paragraph', text: cs[0]!.text.trim(), origin: origin(cs[0]!, null) });
      return;
    }
    if (!table) {
      table = { type: 'table', index: tableIndex.next++, rows: [] };
      blocks.push(table);
    }
    const row: GridCell[] = cs.map((c, i) => ({ text: c.text.trim(), origin: origin(c, i), spanned: false }));
    (table as TableBlock).rows.push(row);
  });
}
