// PLAUSIBILITY rules on one report: table 2 sanity (T2-P*) and metadata (M-*).
import type { Finding, ReportRecord } from '../record.ts';
import { finding, indexCells, num, ref } from './cells.ts';
import type { Rule } from './types.ts';

export const T2P1: Rule = {
  id: 'T2-P1',
  level: 'plausibility',
  title: '现行有效件数应不少于本年制发件数',
  check({ record }) {
    const ix = indexCells(record);
    const out: Finding[] = [];
    for (const row of ['regulations', 'normative_documents']) {
      const inForce = num(ix, 'table2', row, 'in_force');
      const issued = num(ix, 'table2', row, 'issued');
      if (inForce === null || issued === null || inForce >= issued) continue;
      out.push(
        finding({
          rule: 'T2-P1',
          level: 'plausibility',
          status: 'fail',
          blame: 'publisher',
          cells: [ref('table2', row, 'in_force'), ref('table2', row, 'issued')],
          left: inForce,
          right: issued,
          message: `${row === 'regulations' ? '规章' : '规范性文件'}现行有效${inForce}件，少于本年制发${issued}件`,
        }),
      );
    }
    return out;
  },
};

/** Bodies that can make 规章: the State Council's departments, provincial and 设区的市 governments. */
export function cannotMakeRegulations(agency: string | null): boolean {
  if (!agency) return false;
  const a = agency.replace(/\s/g, '');
  if (
    /[县旗]人民政府|[区]人民政府$|(?:乡|镇|街道)(?:人民政府|办事处)?$/.test(a) &&
    !/(?:省|自治区|直辖市)人民政府/.test(a)
  )
    return true;
  // A department of a local government (not a government or its general office).
  return /[市县区州盟].*(?:局|委员会|委|中心|办公室|厅)$/.test(a) && !/人民政府(?:办公厅|办公室)$/.test(a);
}

export const T2P2: Rule = {
  id: 'T2-P2',
  level: 'plausibility',
  title: '无规章制定权的机关（县级及以下、地方政府部门）填报了规章数',
  check({ record }) {
    if (!cannotMakeRegulations(record.report.agency)) return [];
    const nonzero = record.cells.filter(
      (c) => c.table === 'table2' && c.row === 'regulations' && c.value !== null && c.value !== 0,
    );
    if (!nonzero.length) return [];
    return [
      finding({
        rule: 'T2-P2',
        level: 'plausibility',
        status: 'fail',
        blame: 'publisher',
        cells: nonzero.map((c) => ref('table2', c.row, c.col)),
        message: `${record.report.agency}一般无规章制定权，但“规章”行填有非零数值（${nonzero.map((c) => c.raw).join('、')}）`,
      }),
    ];
  },
};

/** 万元 amounts above this for one body suggest 元 typed into the 万元 column (that is 10 亿元). */
const IMPLAUSIBLE_FEES_WANYUAN = 100_000;

export const T2P3: Rule = {
  id: 'T2-P3',
  level: 'plausibility',
  title: '行政事业性收费金额带“元”或大得不合理（万元栏填了元）',
  check({ record }) {
    const c = record.cells.find((x) => x.table === 'table2' && x.row === 'fees' && x.col === 'amount');
    if (!c || c.value === null) return [];
    if (c.unit === '元') {
      return [
        finding({
          rule: 'T2-P3',
          level: 'plausibility',
          status: 'fail',
          blame: 'publisher',
          cells: [ref('table2', 'fees', 'amount')],
          left: c.value,
          message: `收费金额栏单位为万元，但填写为「${c.raw}」（带“元”）`,
        }),
      ];
    }
    if (c.value > IMPLAUSIBLE_FEES_WANYUAN && record.report.scope !== 'aggregate') {
      return [
        finding({
          rule: 'T2-P3',
          level: 'plausibility',
          status: 'fail',
          blame: 'publisher',
          cells: [ref('table2', 'fees', 'amount')],
          left: c.value,
          message: `收费金额${c.value}万元（${(c.value / 10000).toFixed(1)}亿元）对单个机关偏大，疑似把“元”填入“万元”栏`,
        }),
      ];
    }
    return [];
  },
};

const YEAR_IN_PERIOD = /统计期限?(?:为|自|是|从)?((?:19|20)\d{2})年/;

export const M1: Rule = {
  id: 'M-1',
  level: 'plausibility',
  title: '标题年份、统计期限与报告年度一致',
  check({ record }) {
    const y = record.report.report_year;
    const m = YEAR_IN_PERIOD.exec((record.narrative?.overview ?? '').replace(/\s/g, ''));
    if (!y || !m || Number(m[1]) === y) return [];
    return [
      finding({
        rule: 'M-1',
        level: 'plausibility',
        status: 'fail',
        blame: 'publisher',
        cells: [],
        left: y,
        right: Number(m[1]),
        message: `报告年度为${y}年（${record.report.year_source ?? '未知来源'}），统计期限写的是${m[1]}年`,
      }),
    ];
  },
};

/** Governments report by 31 March of Y+1, their departments by 31 January (条例第四十九、五十条). */
export function isGovernment(r: ReportRecord['report']): boolean {
  const a = (r.agency ?? '').replace(/\s/g, '');
  return r.scope === 'aggregate' || /人民政府$|^[^局委办厅]*[省市县区旗]$|管委会$|实验区$|新区$/.test(a);
}

export const M2: Rule = {
  id: 'M-2',
  level: 'plausibility',
  title: '发布日期晚于法定期限（部门1月31日、政府3月31日）',
  check({ record }) {
    const y = record.report.report_year;
    const d = record.report.publish_date;
    if (!y || !d) return [];
    const deadline = `${y + 1}-${isGovernment(record.report) ? '03-31' : '01-31'}`;
    if (d <= deadline) return [];
    return [
      finding({
        rule: 'M-2',
        level: 'plausibility',
        status: 'fail',
        blame: 'publisher',
        cells: [],
        message: `${y}年度报告发布于${d}，晚于${deadline}的期限（${record.report.publish_date_source ?? '日期来源未知'}）`,
      }),
    ];
  },
};

export const M3: Rule = {
  id: 'M-3',
  level: 'plausibility',
  title: '表格格式版本与报告年度相符（2019–2020用v2019，2021起用v2021）',
  check({ record }) {
    const y = record.report.report_year;
    if (!y || y < 2019) return [];
    const want = y >= 2021 ? 'v2021' : 'v2019';
    const out: Finding[] = [];
    for (const t of ['table2', 'table3'] as const) {
      const v = record.report.format_version[t];
      if (v && v !== want)
        out.push(
          finding({
            rule: 'M-3',
            level: 'plausibility',
            status: 'fail',
            blame: 'publisher',
            cells: [],
            message: `${y}年度报告的${t === 'table2' ? '表二' : '表三'}使用${v}格式，应为${want}`,
          }),
        );
    }
    return out;
  },
};
