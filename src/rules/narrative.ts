// N-*: numbers stated in 一、总体情况 against the tables. A mismatch is a finding about the
// publisher's text; it never changes a table value.
import { TABLE3_LEGAL_COLS } from '../../parsers/index.ts';
import type { Finding, ReportRecord } from '../record.ts';
import { finding, indexCells, num, ref, type CellIndex } from './cells.ts';
import type { Rule } from './types.ts';

const CN_DIGIT: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** "859", "两", "十二", "一百零五", "三千二百" → number; null when not a plain count. */
export function parseCount(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[〇零一二两三四五六七八九十百千万]+$/.test(s)) return null;
  let total = 0,
    section = 0,
    digit = 0;
  for (const ch of s) {
    if (ch in CN_DIGIT) digit = CN_DIGIT[ch]!;
    else if (ch in CN_UNIT) {
      section += (digit || 1) * CN_UNIT[ch]!;
      digit = 0;
    } else if (ch === '万') {
      total += (section + digit) * 10000;
      section = 0;
      digit = 0;
    }
  }
  return total + section + digit;
}

const NUM = '(\\d+|[〇零一二两三四五六七八九十百千万]+)';
const UNIT = '(?:件|条|个|份|宗|次|起)';
/** Not approximate: "700余条", "近百件", "约" are skipped. */
const EXACT = '(?![余多])';

interface Statement {
  rule: string;
  re: RegExp;
  what: string;
  table: (ix: CellIndex) => { value: number | null; cells: Array<[string, string]> };
}

const sumRows = (ix: CellIndex, rows: string[], col: string) => {
  const vals = rows.map((r) => num(ix, 'table3', r, col));
  return vals.some((v) => v === null) ? null : (vals as number[]).reduce((a, b) => a + b, 0);
};
const WITHHELD = [
  'state_secret',
  'law_prohibited',
  'security_stability',
  'third_party_rights',
  'internal_affairs',
  'process_info',
  'enforcement_file',
  'admin_query',
].map((k) => `results.withheld.${k}`);

const STATEMENTS: Statement[] = [
  {
    rule: 'N-1',
    what: '收到/受理申请',
    re: new RegExp(
      `(?:收到|受理|接收|新收)(?:各类|群众|公民、法人和其他组织的?)?(?:政府信息公开|依申请公开)?申请(?:共计?|总计|合计)?${NUM}${EXACT}${UNIT}`,
    ),
    table: (ix) => ({ value: num(ix, 'table3', 'new_received', 'total'), cells: [['new_received', 'total']] }),
  },
  {
    rule: 'N-2',
    what: '上年结转',
    re: new RegExp(`上年度?结转(?:的)?(?:政府信息公开)?(?:申请)?${NUM}${EXACT}${UNIT}`),
    table: (ix) => ({ value: num(ix, 'table3', 'carried_over', 'total'), cells: [['carried_over', 'total']] }),
  },
  {
    rule: 'N-3',
    what: '办结/答复',
    re: new RegExp(`(?:办结|答复)(?:政府信息公开)?(?:申请)?(?:共计?)?${NUM}${EXACT}${UNIT}`),
    table: (ix) => ({ value: num(ix, 'table3', 'results.total', 'total'), cells: [['results.total', 'total']] }),
  },
  {
    rule: 'N-4',
    what: '结转下年度',
    re: new RegExp(`结转(?:至)?下一?年度?(?:继续办理)?(?:的)?${NUM}${EXACT}${UNIT}`),
    table: (ix) => ({ value: num(ix, 'table3', 'carried_forward', 'total'), cells: [['carried_forward', 'total']] }),
  },
  {
    rule: 'N-6',
    what: '不予公开',
    re: new RegExp(`不予公开${NUM}${EXACT}${UNIT}`),
    table: (ix) => ({ value: sumRows(ix, WITHHELD, 'total'), cells: WITHHELD.map((r) => [r, 'total']) }),
  },
  {
    rule: 'N-7',
    what: '行政复议',
    re: new RegExp(`(?:被申请|提起|发生|收到)?行政复议(?:案件)?(?:共)?${NUM}${EXACT}${UNIT}`),
    table: (ix) => ({ value: num(ix, 'table4', 'review', 'total'), cells: [['review', 'total']] }),
  },
];

export const NARRATIVE: Rule = {
  id: 'N',
  level: 'plausibility',
  title: '总体情况中的数字与表格一致（N-1 收到申请 … N-8 未发生行政诉讼）',
  check({ record }) {
    const text = (record.narrative?.overview ?? '').normalize('NFKC').replace(/\s+/g, '');
    if (!text || !record.cells.length) return [];
    const ix = indexCells(record);
    const out: Finding[] = [];
    for (const s of STATEMENTS) {
      const m = s.re.exec(text);
      const stated = m ? parseCount(m[1]!) : null;
      if (stated === null) continue;
      const { value, cells } = s.table(ix);
      if (value === null || value === stated) continue;
      const table = s.rule === 'N-7' ? 'table4' : 'table3';
      out.push(
        finding({
          rule: s.rule,
          level: 'plausibility',
          status: 'fail',
          blame: 'publisher',
          left: stated,
          right: value,
          cells: cells.map(([r, c]) => ref(table, r, c)),
          message: `总体情况称“${snippet(text, m!.index, m![0].length)}”（${s.what}${stated}），表中为${value}`,
        }),
      );
    }
    out.push(...allNatural(text, ix), ...noLitigation(text, ix, record));
    return out;
  },
};

function snippet(text: string, at: number, len: number): string {
  return text.slice(Math.max(0, at - 8), at + len).replace(/^[，。；]/, '');
}

/** N-5 "均为自然人": every legal-person column of 新收 must be zero. */
function allNatural(text: string, ix: CellIndex): Finding[] {
  const m = /(?:均为|全部为|全部来自|都是)自然人/.exec(text);
  if (!m) return [];
  const nonzero = TABLE3_LEGAL_COLS.filter((c) => (num(ix, 'table3', 'new_received', c) ?? 0) > 0);
  if (!nonzero.length) return [];
  return [
    finding({
      rule: 'N-5',
      level: 'plausibility',
      status: 'fail',
      blame: 'publisher',
      cells: nonzero.map((c) => ref('table3', 'new_received', c)),
      message: `总体情况称“${snippet(text, m.index, m[0].length)}”，但表三新收申请中法人或其他组织有非零数`,
    }),
  ];
}

/** N-8 "未发生…行政诉讼" (and "…行政复议"): the totals must be zero. */
function noLitigation(text: string, ix: CellIndex, record: ReportRecord): Finding[] {
  if (!record.cells.some((c) => c.table === 'table4')) return [];
  const out: Finding[] = [];
  for (const m of text.matchAll(/(?:未|没有)(?:发生|出现|产生)([^。；，]{0,40})/g)) {
    const clause = m[1]!;
    // "未发生…被纠错/败诉": no case was lost, not no case at all.
    if (/纠错|败诉|纠正|撤销|确认违法|被诉/.test(clause)) continue;
    const rows = [
      ...(clause.includes('行政复议') ? ['review'] : []),
      ...(clause.includes('行政诉讼') ? ['litigation_direct', 'litigation_after_review'] : []),
    ];
    const nonzero = rows.filter((r) => (num(ix, 'table4', r, 'total') ?? 0) > 0);
    if (!nonzero.length) continue;
    out.push(
      finding({
        rule: 'N-8',
        level: 'plausibility',
        status: 'fail',
        blame: 'publisher',
        cells: nonzero.map((r) => ref('table4', r, 'total')),
        message: `总体情况称“${snippet(text, m.index ?? 0, m[0].length)}”，但表四${[...new Set(nonzero.map((r) => (r === 'review' ? '行政复议' : '行政诉讼')))].join('、')}总计不为0`,
      }),
    );
  }
  return out;
}
