// Plain text → Document. Handles tab-separated tables (copy-paste from Word), Markdown tables
// (PDF/OCR conversions), space-aligned rows, and crawler dumps with one cell per line: lines that
// split into several cells become table rows, single-cell lines become paragraphs.
import type { Block, Document, GridCell, TableBlock } from './document.ts';
import { noOrigin } from './document.ts';
import { LONE_SIGN, looksLikeValue } from '../extract/value.ts';

const MD_SEPARATOR = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const PROSE_PUNCT = /[，。；！？,;]$/;

/** "+ 14": a sign printed apart from its digits is one value, not a label piece and a number. */
function joinSigns(fields: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const next = fields[i + 1];
    if (next !== undefined && LONE_SIGN.test(f) && /^\d/.test(next) && looksLikeValue(f + next)) {
      out.push(`${f} ${next}`);
      i++;
    } else out.push(f);
  }
  return out;
}

/** Split one line into cells, or return null when it is a single piece of text. */
export function splitLine(line: string): string[] | null {
  if (line.includes('\t')) return line.split('\t').map((s) => s.trim());
  const t = line.trim();
  if (t.startsWith('|') && t.length > 1) {
    const inner = t.replace(/^\|/, '').replace(/\|$/, '');
    return inner.split('|').map((s) => s.trim());
  }
  if (t.length > 200) return null;
  const wide = joinSigns(t.split(/\s{2,}|\u3000+/).filter(Boolean));
  if (wide.length >= 2 && wide.slice(1).some(looksLikeValue)) return wide;
  // "规章 0 0 0": a label followed by single-space-separated values.
  const fields = joinSigns(t.split(/\s+/));
  let k = 0;
  while (k < fields.length - 1 && looksLikeValue(fields[fields.length - 1 - k]!)) k++;
  if (k === 0) return null;
  const label = fields.slice(0, fields.length - k).join(' ');
  if (PROSE_PUNCT.test(label) || /[。，]/.test(label)) return null;
  return [label, ...fields.slice(fields.length - k)];
}

export function readText(text: string, encoding: string | null): Document {
  const blocks: Block[] = [];
  let table: TableBlock | null = null;
  let tableIndex = 0;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    if (raw.trim() === '' || MD_SEPARATOR.test(raw.trim())) {
      if (raw.trim() === '') table = null;
      return;
    }
    const cells = splitLine(raw);
    if (!cells) {
      table = null;
      blocks.push({ type: 'paragraph', text: raw.trim(), origin: { ...noOrigin(), line: lineNo } });
      return;
    }
    if (!table) {
      table = { type: 'table', index: tableIndex++, rows: [] };
      blocks.push(table);
    }
    const rowIndex: number = table.rows.length;
    const tIndex: number = table.index;
    const row: GridCell[] = cells.map((c, col) => ({
      text: c,
      origin: { ...noOrigin(), table_index: tIndex, row_index: rowIndex, col_index: col, line: lineNo },
      spanned: false,
    }));
    table.rows.push(row);
  });
  return { media: 'txt', encoding, blocks, meta: { title: null }, warnings: [] };
}
