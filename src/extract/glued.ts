// Copies whose table cells ran together ("行政规范性文件77132470", "本年新收…申请数量801000081"):
// read only what is certain. A digit run splits for sure when it has one digit per column, or when
// the row has one column; otherwise only when exactly one split satisfies the row's sums.
import { TEMPLATES, TABLE3_COLS, TABLE4_COLS } from '../../parsers/index.ts';
import type { TableTemplate } from '../../parsers/index.ts';
import type { Cell, FormatVersion, TableId } from '../record.ts';
import type { Document, Origin, ParagraphBlock } from '../read/document.ts';
import { normalizeLabel } from './normalize.ts';
import { detectVersion } from './tables.ts';
import { parseValue } from './value.ts';

export interface GluedReading {
  cells: Cell[];
  versions: Partial<Record<TableId, FormatVersion>>;
  warnings: string[];
}

/** A glued cell's provenance: the line (page, box) its digit run was printed on; no grid position. */
const SOURCE = (o: Origin | null): Cell['source'] => ({
  page: o?.page ?? null,
  table_index: null,
  row_index: null,
  col_index: null,
  line: o?.line ?? null,
  bbox: o?.bbox ?? null,
  resolved_by: 'glued_digits',
});

/** The paragraphs joined by "|" (normalised), and which paragraph an offset of that text falls in. */
function joinParagraphs(paragraphs: ParagraphBlock[]): { text: string; originAt: (offset: number) => Origin | null } {
  const texts = paragraphs.map((p) => normalizeLabel(p.text));
  const starts: number[] = [];
  let at = 0;
  for (const t of texts) {
    starts.push(at);
    at += t.length + 1;
  }
  const originAt = (offset: number): Origin | null => {
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return paragraphs[lo]!.origin;
  };
  return { text: texts.join('|'), originAt };
}

/** Every split of a digit string into `parts` numbers without leading zeros. */
function* splits(digits: string, parts: number): Generator<string[]> {
  if (parts === 1) {
    if (digits.length && (digits.length === 1 || digits[0] !== '0')) yield [digits];
    return;
  }
  const maxFirst = digits.length - (parts - 1);
  for (let n = 1; n <= maxFirst; n++) {
    const head = digits.slice(0, n);
    if (n > 1 && head[0] === '0') break;
    for (const rest of splits(digits.slice(n), parts - 1)) yield [head, ...rest];
  }
}

/** Longest digit run weighed: beyond this a run has too many readings to settle by sums. */
const MAX_EXTRA_DIGITS = 8;

/** The one split satisfying `ok`, or null when there is none or more than one. */
function uniqueSplit(digits: string, parts: number, ok: (nums: number[]) => boolean): number[] | null {
  if (digits.length === parts) return [...digits].map(Number);
  if (digits.length > parts + MAX_EXTRA_DIGITS) return null;
  let found: number[] | null = null;
  for (const s of splits(digits, parts)) {
    const nums = s.map(Number);
    if (!ok(nums)) continue;
    if (found) return null;
    found = nums;
  }
  return found;
}

/** Table 4's fifteen values: three groups of five whose first four sum to the fifth, each unique. */
function uniqueGroups(digits: string, groups: number): number[] | null {
  if (groups === 0) return digits.length === 0 ? [] : null;
  let found: number[] | null = null;
  for (let len = 5; len <= Math.min(digits.length - 5 * (groups - 1), 5 + MAX_EXTRA_DIGITS); len++) {
    const head = uniqueSplit(digits.slice(0, len), 5, (n) => n[0]! + n[1]! + n[2]! + n[3]! === n[4]);
    if (!head) continue;
    const rest = uniqueGroups(digits.slice(len), groups - 1);
    if (!rest) continue;
    if (found) return null;
    found = [...head, ...rest];
  }
  return found;
}

const t3Sum = (n: number[]) => n.slice(0, 6).reduce((a, b) => a + b, 0) === n[6];

interface Hit {
  key: string;
  digits: string;
  /** Offset of the digit run in the joined text: where its provenance comes from. */
  at: number;
}

/**
 * Find each template row's label in order and the digit run right after its printed label. A run
 * that ends with the next item's number ("…0000000" + "2." of the next row) gives that number back.
 */
function rowRuns(text: string, rows: TableTemplate['rows'], from: number): Hit[] {
  const hits: Hit[] = [];
  let pos = from;
  for (const row of rows) {
    if (row.subtotal) continue;
    let at = -1;
    let len = 0;
    for (const l of row.labels) {
      const i = text.indexOf(l, pos);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        len = l.length;
      }
    }
    if (at < 0 || at - pos > 120) continue;
    const m = /^[^\d|]{0,40}?(\d[\d.]*)/.exec(text.slice(at + len));
    if (!m) continue;
    // A placeholder or sign next to the digits ("-", "—", "/", "无", "+2") makes the run uncertain.
    // So does a caption between the label and the digits (the row printed no digits at all).
    const around =
      m[0].slice(0, m[0].length - m[1]!.length) + text.slice(at + len + m[0].length, at + len + m[0].length + 1);
    if (/[-—－/+无增减]|第二十条|信息内容/.test(around)) {
      pos = at + len + m[0].length;
      continue;
    }
    let digits = m[1]!;
    const after = text.slice(at + len + m.index + m[0].length);
    // "…00000002.其他法律…": the trailing digit is the next item's number (items run 1–8).
    if (/^[.、]/.test(after) && digits.length > 1) digits = digits.slice(0, -1);
    if (/^[.、]\D/.test(digits.slice(-1) + after) && digits.endsWith('.')) digits = digits.slice(0, -1);
    hits.push({ key: row.key, digits, at: at + len + m.index + m[0].length - m[1]!.length });
    pos = at + len + m.index + m[0].length;
  }
  return hits;
}

export function readGlued(doc: Document, missing: TableId[]): GluedReading {
  const out: GluedReading = { cells: [], versions: {}, warnings: [] };
  const paragraphs = doc.blocks.flatMap((b) => (b.type === 'paragraph' ? [b] : []));
  // Lines stay apart: a digit run never continues into the next paragraph, so the paragraph holding
  // a run's first digit is the line every cell split from it was printed on.
  const { text, originAt } = joinParagraphs(paragraphs);
  const end = text.search(/五、(?:存在|政府信息公开工作存在)/);
  const body = end > 0 ? text.slice(0, end) : text;
  const put = (table: TableId, row: string, cols: readonly string[], nums: Array<number | string>, at: number) => {
    const origin = originAt(at);
    cols.forEach((col, i) => {
      const raw = String(nums[i]);
      const p = parseValue(raw);
      out.cells.push({ table, row, col, raw, kind: p.kind, value: p.value, unit: p.unit, source: SOURCE(origin) });
    });
  };

  const t2start = body.indexOf('第二十条');
  if (missing.includes('table2') && t2start >= 0) {
    const v = detectVersion(body.slice(t2start, t2start + 600), (t) => t.table2);
    const tpl = v && TEMPLATES.find((t) => t.version === v)!.table2;
    if (v && tpl) {
      let n = 0;
      for (const h of rowRuns(body, tpl.rows, t2start)) {
        const cols = tpl.rows.find((r) => r.key === h.key)!.cols ?? [];
        // One column: the run is the value. One digit per column: certain. Otherwise no sum decides.
        if (cols.length === 1) put('table2', h.key, cols, [h.digits], h.at);
        else if (h.digits.length === cols.length && !h.digits.includes('.'))
          put('table2', h.key, cols, [...h.digits], h.at);
        else continue;
        n++;
      }
      if (n) out.versions.table2 = v;
    }
  }
  const t3start = body.search(/本年度?新收/);
  if (missing.includes('table3') && t3start >= 0) {
    const v: FormatVersion = /逾期不补正|逾期未按收费/.test(body) ? 'v2021' : 'v2019';
    const tpl = TEMPLATES.find((t) => t.version === v)!.table3;
    let n = 0;
    for (const h of rowRuns(body, tpl.rows, t3start - 4)) {
      const nums = uniqueSplit(h.digits, TABLE3_COLS.length, t3Sum);
      if (!nums) continue;
      put('table3', h.key, TABLE3_COLS, nums, h.at);
      n++;
    }
    if (n) out.versions.table3 = v;
  }
  const t4start = body.indexOf('行政复议', Math.max(0, t3start));
  if (missing.includes('table4') && t4start >= 0) {
    // The header may be printed more than once before the digits ("尚未审结总计尚未审结总计…").
    const m = /(?:尚未审结总计)+(\d{15,})/.exec(body.slice(t4start));
    const nums = m && !/^[-—－/无]/.test(body.slice(t4start).split(m[1]!)[1] ?? '') ? uniqueGroups(m[1]!, 3) : null;
    if (m && nums) {
      const at = t4start + m.index + m[0].length - m[1]!.length;
      (['review', 'litigation_direct', 'litigation_after_review'] as const).forEach((row, i) =>
        put('table4', row, TABLE4_COLS, nums.slice(i * 5, i * 5 + 5), at),
      );
      out.versions.table4 = out.versions.table3 ?? out.versions.table2 ?? 'v2021';
    }
  }
  if (out.cells.length)
    out.warnings.push(
      `cells ran together in this copy: ${out.cells.length} cells read where the digits split only one way (one digit per column, or the only split that satisfies the row sums); the rest left out`,
    );
  return out;
}
