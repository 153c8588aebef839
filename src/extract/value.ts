// Printed cell text → (kind, value, unit, note). Numbers are parsed here, never by schema coercion,
// so that a blank stays null and never becomes 0.
import type { CellKind } from '../record.ts';

export interface ParsedValue {
  kind: CellKind;
  value: number | null;
  unit: string | null;
  note: string | null;
}

const PLACEHOLDER = /^(?:[-‐‑‒–—―－−~～/／\\]+|无|無|空|\.+|…+)$/;
const UNITS = '万元|萬元|元|批|件|个|個|項|项|条|條|次|起|宗|份|人次|家|户|戶|%';
/** Units as the record spells them (traditional forms printed by some copies). */
const UNIT_SIMPLIFIED: Record<string, string> = { 萬元: '万元', 個: '个', 項: '项', 條: '条', 戶: '户' };
// sign · digits (optionally with thousands separators) · decimals · unit · a bracketed note
const NUMBER = new RegExp(
  `^(增加|减少|減少|增|减|減|[+\\-−])?(\\d{1,3}(?:,\\d{3})+|\\d+)(\\.\\d+)?(${UNITS})?(?:\\((.*)\\))?$`,
);

/** Folds the printed text to what number parsing needs: NFKC, no spaces, ASCII brackets. */
function fold(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\u00a0\u3000\u200b\ufeff]+/g, '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')');
}

const cache = new Map<string, ParsedValue>();

/** Printed text → kind and value. Cached: tables repeat the same few strings ("0") hundreds of times. */
export function parseValue(raw: string): ParsedValue {
  const hit = cache.get(raw);
  if (hit) return { ...hit };
  const parsed = parse(raw);
  if (cache.size > 20_000) cache.clear();
  cache.set(raw, parsed);
  return { ...parsed };
}

function parse(raw: string): ParsedValue {
  const s = fold(raw);
  if (s === '') return { kind: 'blank', value: null, unit: null, note: null };
  if (PLACEHOLDER.test(s)) return { kind: 'placeholder', value: null, unit: null, note: null };
  const m = NUMBER.exec(s);
  if (!m) return { kind: 'text', value: null, unit: null, note: null };
  const [, sign, int = '', frac = '', unit, note] = m;
  let value = Number(int.replaceAll(',', '') + frac);
  if (sign === '-' || sign === '−' || sign === '减' || sign === '减少' || sign === '減' || sign === '減少')
    value = -value;
  if (value === 0) value = 0; // no -0
  return { kind: 'number', value, unit: unit ? (UNIT_SIMPLIFIED[unit] ?? unit) : null, note: note ?? null };
}

/** Whether a token reads as a table value (a number, a placeholder) rather than a label. */
export function looksLikeValue(raw: string): boolean {
  if (raw.length > 48) return false; // no printed value is that long; skip folding prose
  const s = fold(raw);
  if (s === '') return false;
  return PLACEHOLDER.test(s) || NUMBER.test(s);
}

/** A sign printed apart from its digits ("+ 14"): "+" is never a value of its own, so it joins. */
export const LONE_SIGN = /^(?:[+＋]|增加?|减少?|減少?)$/;
/** A number whose unit wrapped onto the next line: "8.175万" / "元". */
export const UNIT_HEAD = /^[+\-−]?\d[\d,]*(?:\.\d+)?\s*[万萬]$/;
export const UNIT_TAIL = /^元$/;
