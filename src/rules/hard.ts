// The HARD rules: they hold by the definition of the form, so a failure means the printed report
// is wrong or the extraction is. One table entry per rule; the engine is in sums.ts.
import {
  COLUMN_LABELS,
  columnKind,
  TABLE3_APPLICANT_COLS,
  TABLE3_LEGAL_COLS,
  TABLE4_COLS,
} from '../../parsers/index.ts';
import type { Cell, CellRef, Finding, ReportRecord } from '../record.ts';
import { indexCells } from './cells.ts';
import { checkSum, uncertain, type CellLookup, type SumCheck } from './sums.ts';

const T4_ROWS: Record<string, string> = {
  review: '行政复议',
  litigation_direct: '行政诉讼（未经复议直接起诉）',
  litigation_after_review: '行政诉讼（复议后起诉）',
};

const t3 = (row: string, col: string): CellRef => ['table3', row, col];
const t4 = (row: string, col: string): CellRef => ['table4', row, col];

/** Parts of 办理结果 (T3-2) for the version present: v2021 has three （六） sub-items, v2019 one row. */
function resultParts(rows: Set<string>): string[] {
  const other =
    rows.has('results.other.overdue_correction') ||
    rows.has('results.other.overdue_fee') ||
    rows.has('results.other.other')
      ? ['results.other.overdue_correction', 'results.other.overdue_fee', 'results.other.other']
      : ['results.other.total'];
  return [
    'results.granted',
    'results.partially_granted',
    ...[
      'state_secret',
      'law_prohibited',
      'security_stability',
      'third_party_rights',
      'internal_affairs',
      'process_info',
      'enforcement_file',
      'admin_query',
    ].map((k) => `results.withheld.${k}`),
    ...['not_held', 'needs_creation', 'unclear_after_correction'].map((k) => `results.unable.${k}`),
    ...['petition_complaint', 'duplicate', 'publication', 'excessive', 'confirm_or_reissue'].map(
      (k) => `results.not_processed.${k}`,
    ),
    ...other,
  ];
}

const GROUPS: Array<[string, string, string[]]> = [
  [
    'results.withheld.total',
    '不予公开',
    [
      'state_secret',
      'law_prohibited',
      'security_stability',
      'third_party_rights',
      'internal_affairs',
      'process_info',
      'enforcement_file',
      'admin_query',
    ],
  ],
  ['results.unable.total', '无法提供', ['not_held', 'needs_creation', 'unclear_after_correction']],
  [
    'results.not_processed.total',
    '不予处理',
    ['petition_complaint', 'duplicate', 'publication', 'excessive', 'confirm_or_reissue'],
  ],
  ['results.other.total', '其他处理', ['overdue_correction', 'overdue_fee', 'other']],
];

/** The checks depend only on which rows and columns a record prints: build them once per layout. */
const CHECK_CACHE = new Map<string, SumCheck[]>();

function sumChecks(record: Pick<ReportRecord, 'cells'>): SumCheck[] {
  const rows = new Set<string>();
  const cols = new Set<string>();
  const t4rows = new Set<string>();
  for (const c of record.cells) {
    if (c.table === 'table3') {
      rows.add(c.row);
      cols.add(c.col);
    } else if (c.table === 'table4') t4rows.add(c.row);
  }
  const key = `${[...rows].join(',')}|${[...cols].join(',')}|${[...t4rows].join(',')}`;
  let checks = CHECK_CACHE.get(key);
  if (!checks) {
    checks = buildChecks(rows, cols, t4rows);
    if (CHECK_CACHE.size > 200) CHECK_CACHE.clear();
    CHECK_CACHE.set(key, checks);
  }
  return checks;
}

function buildChecks(rows: Set<string>, cols: Set<string>, t4rows: Set<string>): SumCheck[] {
  const checks: SumCheck[] = [];
  if (rows.size) {
    const c7 = [...TABLE3_APPLICANT_COLS, ...(cols.has('legal.subtotal') ? ['legal.subtotal'] : []), 'total'];
    for (const col of c7) {
      const name = COLUMN_LABELS[col];
      checks.push({
        rule: 'T3-1',
        level: 'hard',
        additive: false,
        left: [t3('new_received', col), t3('carried_over', col)],
        right: [t3('results.total', col), t3('carried_forward', col)],
        message: (l, r) =>
          l === r
            ? `「${name}」列勾稽关系成立：一+二=${l}，三(七)+四=${r}`
            : `「${name}」列勾稽关系不成立：一+二=${l}，三(七)+四=${r}`,
        notAssessable: `「${name}」列勾稽关系无法判断：有未填写的单元格`,
      });
      const parts = resultParts(rows);
      checks.push({
        rule: 'T3-2',
        level: 'hard',
        additive: true,
        left: [t3('results.total', col)],
        right: parts.map((p) => t3(p, col)),
        message: (l, r) =>
          l === r
            ? `「${name}」列（七）总计=${l}，等于各办理结果之和`
            : `「${name}」列（七）总计=${l}，各办理结果之和=${r}`,
        notAssessable: `「${name}」列（七）总计未填写，无法核对各办理结果之和`,
      });
      for (const [total, label, items] of GROUPS) {
        if (!rows.has(total) || (total === 'results.other.total' && !rows.has('results.other.overdue_correction')))
          continue;
        checks.push({
          rule: 'T3-4',
          level: 'hard',
          additive: true,
          left: [t3(total, col)],
          right: items.map((i) => t3(total.replace('.total', `.${i}`), col)),
          message: (l, r) => `「${name}」列「${label}」小计=${l}，分项之和=${r}`,
          notAssessable: `「${name}」列「${label}」小计未填写`,
        });
      }
    }
    for (const row of rows) {
      checks.push({
        rule: 'T3-3',
        level: 'hard',
        additive: true,
        left: [t3(row, 'total')],
        right: TABLE3_APPLICANT_COLS.map((c) => t3(row, c)),
        message: (l, r) => `「${row}」行总计=${l}，自然人与法人或其他组织各列之和=${r}`,
        notAssessable: `「${row}」行总计未填写，无法核对各列之和`,
      });
      if (cols.has('legal.subtotal')) {
        checks.push({
          rule: 'T3-4',
          level: 'hard',
          additive: true,
          left: [t3(row, 'legal.subtotal')],
          right: TABLE3_LEGAL_COLS.map((c) => t3(row, c)),
          message: (l, r) => `「${row}」行法人或其他组织小计=${l}，五类之和=${r}`,
          notAssessable: `「${row}」行法人或其他组织小计未填写`,
        });
      }
    }
  }
  for (const row of t4rows) {
    checks.push({
      rule: 'T4-1',
      level: 'hard',
      additive: true,
      left: [t4(row, 'total')],
      right: TABLE4_COLS.filter((c) => c !== 'total').map((c) => t4(row, c)),
      message: (l, r) => `${T4_ROWS[row] ?? row}：总计=${l}，维持+纠正+其他+尚未审结=${r}`,
      notAssessable: `${T4_ROWS[row] ?? row}：总计未填写，无法核对`,
    });
  }
  return checks;
}

/** T3-5, T4-2, T2-1: every printed number has the kind of value its column's template says. */
function valueChecks(cells: Cell[]): Finding[] {
  const out: Finding[] = [];
  for (const c of cells) {
    if (c.kind === 'blank' || c.kind === 'placeholder') continue;
    const rule = c.table === 'table3' ? 'T3-5' : c.table === 'table4' ? 'T4-2' : 'T2-1';
    const ref: CellRef = [c.table, c.row, c.col];
    const blame = uncertain(c) ? 'extraction' : 'publisher';
    if (c.kind === 'text') {
      out.push({
        rule,
        level: 'hard',
        status: 'not_assessable',
        cells: [ref],
        left: null,
        right: null,
        delta: null,
        blame: 'unknown',
        message: `「${c.row}/${c.col}」填写的是文字「${c.raw}」，不是数字`,
      });
      continue;
    }
    const v = c.value!;
    const kind = columnKind(c.table, c.col);
    const signed = kind === 'signed_count';
    const decimal = kind === 'amount';
    const ok = (signed || v >= 0) && (decimal || Number.isInteger(v));
    if (!ok) {
      const want = decimal ? '非负数' : signed ? '整数' : '非负整数';
      out.push({
        rule,
        level: 'hard',
        status: 'fail',
        cells: [ref],
        left: v,
        right: null,
        delta: null,
        blame,
        message: `「${c.row}/${c.col}」应为${want}，实际为「${c.raw}」`,
      });
    }
  }
  return out;
}

const REF_KEYS = new WeakMap<CellRef, string>();
/** The lookup key of a reference; cached because the checks (and their references) are cached. */
function refKey(ref: CellRef): string {
  let k = REF_KEYS.get(ref);
  if (k === undefined) REF_KEYS.set(ref, (k = `${ref[0]}|${ref[1]}|${ref[2]}`));
  return k;
}

/** All HARD findings for a record's cells. Passes are kept only when they inferred blanks as 0. */
export function hardFindings(record: Pick<ReportRecord, 'cells'>): Finding[] {
  const index = indexCells(record);
  const get: CellLookup = (ref) => index.get(refKey(ref));
  const out: Finding[] = [];
  for (const check of sumChecks(record)) {
    const f = checkSum(check, get);
    if (f && (f.status !== 'pass' || f.inferred?.length)) out.push(f);
  }
  out.push(...valueChecks(record.cells));
  return out;
}
