// Document → a stream of tokens in reading order. Grid rows keep their row boundaries; single
// lines (crawler dumps with one cell per line) do not, so a row label and its values can sit on
// separate lines and still be read together.
import type { Document, Origin } from '../read/document.ts';
import { normalizeLabel } from './normalize.ts';
import { LONE_SIGN, looksLikeValue, UNIT_HEAD, UNIT_TAIL } from './value.ts';

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

/**
 * Pieces of one value printed apart: a sign and its digits ("+" / "14" → "+ 14"), a number and the
 * rest of its unit on the next line ("8.175万" / "元" → "8.175万元"). Joined before classifying.
 */
function joinPieces(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    const text = t.text.trim();
    if (next && LONE_SIGN.test(text) && /^\d/.test(next.text.trim()) && looksLikeValue(`${text}${next.text.trim()}`)) {
      out.push({ ...next, text: `${text} ${next.text.trim()}`, kind: 'value', norm: '' });
      i++;
      continue;
    }
    if (next && UNIT_HEAD.test(text) && UNIT_TAIL.test(next.text.trim())) {
      out.push({ ...t, text: `${text}${next.text.trim()}`, kind: 'value', norm: '', rowEnd: t.rowEnd || next.rowEnd });
      i++;
      continue;
    }
    out.push(t);
  }
  return out;
}

export function tokenize(doc: Document): Token[] {
  return joinPieces(tokenizeBlocks(doc));
}

function tokenizeBlocks(doc: Document): Token[] {
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
