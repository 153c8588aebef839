// EXPECTED and PLAUSIBILITY rules across reports: carry-over chain, stock of documents in force,
// year-over-year sameness and jumps, aggregate vs subordinate reports.
import { COLUMN_LABELS, TABLE3_COLS } from '../../parsers/index.ts';
import type { Finding } from '../record.ts';
import { finding, indexCells, num, ref } from './cells.ts';
import type { Rule } from './types.ts';

export const X1: Rule = {
  id: 'X-1',
  level: 'expected',
  title: '本年“上年结转”应等于上一年报告的“结转下年度继续办理”（逐列）',
  check({ record, previous }) {
    if (!previous) return [];
    const now = indexCells(record),
      before = indexCells(previous);
    const y = record.report.report_year;
    const out: Finding[] = [];
    for (const col of TABLE3_COLS) {
      const cur = num(now, 'table3', 'carried_over', col);
      const prev = num(before, 'table3', 'carried_forward', col);
      if (cur === null || prev === null || cur === prev) continue;
      out.push(
        finding({
          rule: 'X-1',
          level: 'expected',
          status: 'fail',
          cells: [ref('table3', 'carried_over', col)],
          left: cur,
          right: prev,
          blame: 'publisher',
          message: `「${COLUMN_LABELS[col]}」列：${y}年报告的上年结转为${cur}，${y === null ? '上一年' : `${y - 1}年`}报告的结转下年度为${prev}`,
        }),
      );
    }
    return out;
  },
};

export const X2: Rule = {
  id: 'X-2',
  level: 'expected',
  title: '现行有效件数 ≈ 上年现行有效 + 本年制发 − 本年废止（v2021 表二）',
  check({ record, previous }) {
    if (
      !previous ||
      record.report.format_version.table2 !== 'v2021' ||
      previous.report.format_version.table2 !== 'v2021'
    )
      return [];
    const now = indexCells(record),
      before = indexCells(previous);
    const out: Finding[] = [];
    for (const row of ['regulations', 'normative_documents']) {
      const inForce = num(now, 'table2', row, 'in_force');
      const issued = num(now, 'table2', row, 'issued');
      const repealed = num(now, 'table2', row, 'repealed');
      const prev = num(before, 'table2', row, 'in_force');
      if (inForce === null || issued === null || repealed === null || prev === null) continue;
      const expected = prev + issued - repealed;
      if (expected === inForce) continue;
      out.push(
        finding({
          rule: 'X-2',
          level: 'expected',
          status: 'fail',
          blame: 'publisher',
          cells: [ref('table2', row, 'in_force'), ref('table2', row, 'issued'), ref('table2', row, 'repealed')],
          left: inForce,
          right: expected,
          message: `${row === 'regulations' ? '规章' : '规范性文件'}现行有效${inForce}件，按上年${prev}+制发${issued}−废止${repealed}应为${expected}件`,
        }),
      );
    }
    return out;
  },
};

/** Tables with at least this many non-zero cells count as substantive when compared year over year. */
const MIN_NONZERO_FOR_SAMENESS = 3;

export const X3: Rule = {
  id: 'X-3',
  level: 'plausibility',
  title: '与上年报告相比：表格或总体情况雷同，或数量异常跳变',
  check({ record, previous }) {
    if (!previous) return [];
    const out: Finding[] = [];
    for (const table of ['table2', 'table3', 'table4'] as const) {
      const a = record.cells.filter((c) => c.table === table);
      const b = new Map(previous.cells.filter((c) => c.table === table).map((c) => [`${c.row}|${c.col}`, c.value]));
      const nonzero = a.filter((c) => c.value !== null && c.value !== 0).length;
      if (!a.length || a.length !== b.size || nonzero < MIN_NONZERO_FOR_SAMENESS) continue;
      if (a.every((c) => b.get(`${c.row}|${c.col}`) === c.value)) {
        out.push(
          finding({
            rule: 'X-3',
            level: 'plausibility',
            status: 'fail',
            cells: [],
            blame: 'publisher',
            message: `${table} 与上一年报告的数值完全相同（${nonzero}个非零单元格），疑似内容雷同`,
          }),
        );
      }
    }
    const o1 = record.narrative?.overview,
      o0 = previous.narrative?.overview;
    if (o1 && o0 && o1.length > 200 && o1 === o0) {
      out.push(
        finding({
          rule: 'X-3',
          level: 'plausibility',
          status: 'fail',
          cells: [],
          blame: 'publisher',
          message: '“总体情况”与上一年报告逐字相同，疑似内容雷同',
        }),
      );
    }
    const now = indexCells(record),
      before = indexCells(previous);
    const cur = num(now, 'table3', 'new_received', 'total');
    const prev = num(before, 'table3', 'new_received', 'total');
    if (
      cur !== null &&
      prev !== null &&
      Math.max(cur, prev) >= 100 &&
      Math.max(cur, prev) >= 10 * Math.max(1, Math.min(cur, prev))
    ) {
      out.push(
        finding({
          rule: 'X-3',
          level: 'plausibility',
          status: 'fail',
          cells: [ref('table3', 'new_received', 'total')],
          left: cur,
          right: prev,
          blame: 'unknown',
          message: `本年新收申请${cur}件，上年${prev}件，相差十倍以上，请核实`,
        }),
      );
    }
    return out;
  },
};

/**
 * `children` are the government's departments found through the body identities' parent links
 * (src/bodies; `Store.children`), each with its report for the same year; the rule stays silent
 * unless every one of them has a report.
 */
export const R1: Rule = {
  id: 'R-1',
  level: 'expected',
  title: '汇总报告的新收申请数 = 所属各单位报告之和（仓库中有全部下级报告时）',
  check({ record, children }) {
    if (record.report.scope !== 'aggregate' || children.length === 0) return [];
    const total = num(indexCells(record), 'table3', 'new_received', 'total');
    const parts = children.map((c) => num(indexCells(c), 'table3', 'new_received', 'total'));
    if (total === null || parts.some((p) => p === null)) return [];
    const sum = (parts as number[]).reduce((a, b) => a + b, 0);
    if (sum === total) return [];
    return [
      finding({
        rule: 'R-1',
        level: 'expected',
        status: 'fail',
        cells: [ref('table3', 'new_received', 'total')],
        left: total,
        right: sum,
        blame: 'publisher',
        message: `汇总报告新收申请${total}件，${children.length}个下级单位报告合计${sum}件`,
      }),
    ];
  },
};
