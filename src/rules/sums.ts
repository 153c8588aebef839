// The blank policy for additive rules (report-format.md, "Blanks in sums"): a missing operand
// never yields FAIL, and a blank is never read as 0 unless the printed numbers prove it.
import type { Cell, CellRef, Finding } from '../record.ts';

export type CellLookup = (ref: CellRef) => Cell | undefined;

export interface SumCheck {
  rule: string;
  level: Finding['level'];
  /** Left side terms and right side terms; `T = Σ parts` is left [T], right parts. */
  left: CellRef[];
  right: CellRef[];
  /** A printed left total is required (additive rule); otherwise both sides are sums (T3-1). */
  additive: boolean;
  message: (left: number, right: number) => string;
  notAssessable: string;
}

const num = (c: Cell | undefined): number | null => (c && c.kind === 'number' ? c.value : null);

/** Whether a cell's reading is uncertain: OCR, or placed by the extractor rather than read in place. */
export const uncertain = (c: Cell | undefined): boolean => !!c && (c.source.ocr === true || c.source.resolved_by !== undefined);

/**
 * Evaluate `Σ left = Σ right` under the blank policy. Returns null when the table shows none of the
 * cells (nothing to check), else a finding with status pass | fail | not_assessable.
 */
export function checkSum(check: SumCheck, get: CellLookup): Finding | null {
  const lc = check.left.map(get);
  const rc = check.right.map(get);
  if ([...lc, ...rc].every((c) => c === undefined)) return null;
  const known = (cs: Array<Cell | undefined>) => cs.reduce((a, c) => a + (num(c) ?? 0), 0);
  const unknown = (refs: CellRef[], cs: Array<Cell | undefined>) => refs.filter((_, i) => num(cs[i]) === null);
  const L = round(known(lc));
  const R = round(known(rc));
  const lBlank = unknown(check.left, lc);
  const rBlank = unknown(check.right, rc);
  const cells = [...check.left, ...check.right];
  const blame = [...lc, ...rc].some(uncertain) ? 'extraction' : 'publisher';
  const base = { rule: check.rule, level: check.level, cells, left: L, right: R, delta: round(L - R) };
  const missing = [...lc, ...rc].some((c) => c === undefined);

  if (check.additive && lBlank.length) {
    return { ...base, status: 'not_assessable', left: null, delta: null, blame: missing ? 'extraction' : 'unknown', message: check.notAssessable };
  }
  if (!lBlank.length && !rBlank.length) {
    return L === R
      ? { ...base, status: 'pass', blame, message: check.message(L, R) }
      : { ...base, status: 'fail', blame, message: check.message(L, R) };
  }
  // Some operands blank: fail only when the printed side with no blanks is already exceeded.
  if ((rBlank.length === 0 && L > R) || (lBlank.length === 0 && R > L)) {
    return { ...base, status: 'fail', blame, message: check.message(L, R) };
  }
  if (L === R) {
    return { ...base, status: 'pass', blame, message: `${check.message(L, R)}（空白单元格按0推定）`, inferred: [...lBlank, ...rBlank] };
  }
  return { ...base, status: 'not_assessable', blame: missing ? 'extraction' : 'unknown', message: `${check.notAssessable}（已知部分 ${L} 与 ${R} 之差无法由空白单元格确定）` };
}

/** Sums of decimal amounts: keep them exact to 6 places. */
const round = (x: number): number => Math.round(x * 1e6) / 1e6;
