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

/** Whether a cell's reading is uncertain: OCR, or placed by the extractor rather than read in place. */
export const uncertain = (c: Cell | undefined): boolean =>
  !!c && (c.source.ocr === true || c.source.resolved_by !== undefined);

interface Side {
  sum: number;
  blanks: CellRef[];
  missing: boolean;
  uncertain: boolean;
  any: boolean;
}

function side(refs: CellRef[], get: CellLookup): Side {
  const s: Side = { sum: 0, blanks: [], missing: false, uncertain: false, any: false };
  for (const ref of refs) {
    const c = get(ref);
    if (c === undefined) {
      s.missing = true;
      s.blanks.push(ref);
      continue;
    }
    s.any = true;
    if (uncertain(c)) s.uncertain = true;
    if (c.kind === 'number' && c.value !== null) s.sum += c.value;
    else s.blanks.push(ref);
  }
  s.sum = round(s.sum);
  return s;
}

/**
 * Evaluate `Σ left = Σ right` under the blank policy. Returns null when the table shows none of the
 * cells (nothing to check), else a finding with status pass | fail | not_assessable.
 */
export function checkSum(check: SumCheck, get: CellLookup): Finding | null {
  const l = side(check.left, get);
  const r = side(check.right, get);
  if (!l.any && !r.any) return null;
  const L = l.sum;
  const R = r.sum;
  const blanks = l.blanks.length + r.blanks.length;
  const missing = l.missing || r.missing;
  const blame = l.uncertain || r.uncertain ? 'extraction' : 'publisher';
  const make = (status: Finding['status'], extra: Partial<Finding> = {}): Finding => ({
    rule: check.rule,
    level: check.level,
    status,
    cells: [...check.left, ...check.right],
    left: L,
    right: R,
    delta: round(L - R),
    blame,
    message: check.message(L, R),
    ...extra,
  });

  if (check.additive && l.blanks.length) {
    return make('not_assessable', {
      left: null,
      delta: null,
      blame: missing ? 'extraction' : 'unknown',
      message: check.notAssessable,
    });
  }
  if (blanks === 0) return L === R ? make('pass') : make('fail');
  // Some operands blank: fail only when the printed side with no blanks is already exceeded.
  if ((r.blanks.length === 0 && L > R) || (l.blanks.length === 0 && R > L)) return make('fail');
  // A cell the document does not show (a row not read) is not a printed blank: nothing is inferred.
  if (L === R && !missing)
    return make('pass', {
      message: `${check.message(L, R)}（空白单元格按0推定）`,
      inferred: [...l.blanks, ...r.blanks],
    });
  return make('not_assessable', {
    blame: missing ? 'extraction' : 'unknown',
    message: `${check.notAssessable}（已知部分 ${L} 与 ${R} 之差无法由空白单元格确定）`,
  });
}

/** Sums of decimal amounts: keep them exact to 6 places. */
const round = (x: number): number => Math.round(x * 1e6) / 1e6;
