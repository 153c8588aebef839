// Document → a stream of tokens in reading order. Grid rows keep their row boundaries; single
// lines (crawler dumps with one cell per line) do not, so a row label and its values can sit on
// separate lines and still be read together.
import type { Document, Origin } from '../read/document.ts';
import { normalizeLabel } from './normalize.ts';
import { looksLikeValue } from './value.ts';

export type TokenKind = 'value' | 'empty' | 'label' | 'prose';

export interface Token {
  text: string;
  /** Normalised label text (labels only; '' otherwise). */
  norm: string;
  kind: TokenKind;
  origin: Origin;
  /** The last token of a printed row (grids, tab or Markdown lines). */
  rowEnd: boolean;
}

/** Page furniture that can fall inside a table in PDF-derived text: "— 5 —", "第 3 页 共 6 页". */
const PAGE_FURNITURE = /^(?:[-—－–―]+\s*\d+\s*[-—－–―]+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*\/\s*\d+)$/;

function classify(text: string): TokenKind {
  const t = text.trim();
  if (t === '') return 'empty';
  if (t.includes('。') || (t.length > 60 && /[，,；]/.test(t)) || t.length > 160) return 'prose';
  if (looksLikeValue(t)) return 'value';
  return 'label';
}

function token(text: string, origin: Origin, rowEnd: boolean): Token | null {
  if (PAGE_FURNITURE.test(text.trim())) return null;
  const kind = classify(text);
  return { text, norm: kind === 'label' ? normalizeLabel(text) : '', kind, origin, rowEnd };
}

export function tokenize(doc: Document): Token[] {
  const out: Token[] = [];
  for (const block of doc.blocks) {
    if (block.type === 'paragraph') {
      const t = token(block.text, block.origin, false);
      if (t) out.push(t);
      continue;
    }
    for (const row of block.rows) {
      const own = row.filter((c) => !c.spanned);
      own.forEach((cell, i) => {
        const t = token(cell.text, cell.origin, i === own.length - 1);
        if (t) out.push(t);
        else if (i === own.length - 1 && out.length) out[out.length - 1]!.rowEnd = true;
      });
    }
  }
  return out;
}
