// Report renderer, part 1: a report's printed cells → the official table layout as an
// abstract grid (cells with rowspan/colspan). render.ts turns it into HTML, tab text or dumps.
// Printed labels follow the State Council templates (report-format.md), written out here by hand.
import * as OpenCC from 'opencc-js';
import { TABLE3_COLS, TABLE4_COLS } from '../../parsers/index.ts';

export type Version = 'v2019' | 'v2021';

export interface FixtureReport {
  version: Version;
  agency: string;
  year: number;
  /** Printed text per cell, keyed `table|row|col`; a key absent from the map is not printed at all. */
  cells: Map<string, string>;
}

export interface Variation {
  fullWidthBrackets: boolean;
  spacesInLabels: boolean;
  traditional: boolean;
  /** Print （三）不予公开 as its own subtotal row (a local-template variant). */
  subtotalRow: boolean;
  /** A perturbation of every printed label (typos, notes, old wordings), applied before the others. */
  relabel?: (label: string) => string;
}

export const PLAIN: Variation = {
  fullWidthBrackets: true,
  spacesInLabels: false,
  traditional: false,
  subtotalRow: false,
};

export interface LCell {
  text: string;
  rowspan?: number;
  colspan?: number;
  /** A value cell (so renderers may format it), with the key it was printed for. */
  key?: string;
}
export type LTable = LCell[][];

export const TABLE2_ROWS: Record<
  Version,
  Array<{ caption: string; header: string[]; rows: Array<[string, string]>; cols: string[] }>
> = {
  v2021: [
    {
      caption: '第二十条第（一）项',
      header: ['本年制发件数', '本年废止件数', '现行有效件数'],
      rows: [
        ['规章', 'regulations'],
        ['行政规范性文件', 'normative_documents'],
      ],
      cols: ['issued', 'repealed', 'in_force'],
    },
    {
      caption: '第二十条第（五）项',
      header: ['本年处理决定数量'],
      rows: [['行政许可', 'licensing']],
      cols: ['decisions'],
    },
    {
      caption: '第二十条第（六）项',
      header: ['本年处理决定数量'],
      rows: [
        ['行政处罚', 'penalty'],
        ['行政强制', 'compulsion'],
      ],
      cols: ['decisions'],
    },
    {
      caption: '第二十条第（八）项',
      header: ['本年收费金额（单位：万元）'],
      rows: [['行政事业性收费', 'fees']],
      cols: ['amount'],
    },
  ],
  v2019: [
    {
      caption: '第二十条第（一）项',
      header: ['本年新制作数量', '本年新公开数量', '对外公开总数量'],
      rows: [
        ['规章', 'regulations'],
        ['规范性文件', 'normative_documents'],
      ],
      cols: ['newly_made', 'newly_published', 'total_published'],
    },
    {
      caption: '第二十条第（五）项',
      header: ['上一年项目数量', '本年增/减', '处理决定数量'],
      rows: [
        ['行政许可', 'licensing'],
        ['其他对外管理服务事项', 'other_services'],
      ],
      cols: ['prev_items', 'change', 'decisions'],
    },
    {
      caption: '第二十条第（六）项',
      header: ['上一年项目数量', '本年增/减', '处理决定数量'],
      rows: [
        ['行政处罚', 'penalty'],
        ['行政强制', 'compulsion'],
      ],
      cols: ['prev_items', 'change', 'decisions'],
    },
    {
      caption: '第二十条第（八）项',
      header: ['上一年项目数量', '本年增/减'],
      rows: [['行政事业性收费', 'fees']],
      cols: ['prev_items', 'change'],
    },
    {
      caption: '第二十条第（九）项',
      header: ['采购项目数量', '采购总金额'],
      rows: [['政府集中采购', 'procurement']],
      cols: ['items', 'amount'],
    },
  ],
};

/** Table 3 groups as printed: [group label | null, [item label, key][]]. */
export function table3Groups(version: Version): Array<[string | null, Array<[string, string]>]> {
  const other: Array<[string, string]> =
    version === 'v2021'
      ? [
          ['1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', 'results.other.overdue_correction'],
          ['2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', 'results.other.overdue_fee'],
          ['3.其他', 'results.other.other'],
        ]
      : [];
  return [
    [
      null,
      [
        ['（一）予以公开', 'results.granted'],
        ['（二）部分公开（区分处理的，只计这一情形，不计其他情形）', 'results.partially_granted'],
      ],
    ],
    [
      '（三）不予公开',
      [
        ['1.属于国家秘密', 'results.withheld.state_secret'],
        ['2.其他法律行政法规禁止公开', 'results.withheld.law_prohibited'],
        ['3.危及“三安全一稳定”', 'results.withheld.security_stability'],
        ['4.保护第三方合法权益', 'results.withheld.third_party_rights'],
        ['5.属于三类内部事务信息', 'results.withheld.internal_affairs'],
        ['6.属于四类过程性信息', 'results.withheld.process_info'],
        ['7.属于行政执法案卷', 'results.withheld.enforcement_file'],
        ['8.属于行政查询事项', 'results.withheld.admin_query'],
      ],
    ],
    [
      '（四）无法提供',
      [
        ['1.本机关不掌握相关政府信息', 'results.unable.not_held'],
        ['2.没有现成信息需要另行制作', 'results.unable.needs_creation'],
        ['3.补正后申请内容仍不明确', 'results.unable.unclear_after_correction'],
      ],
    ],
    [
      '（五）不予处理',
      [
        ['1.信访举报投诉类申请', 'results.not_processed.petition_complaint'],
        ['2.重复申请', 'results.not_processed.duplicate'],
        ['3.要求提供公开出版物', 'results.not_processed.publication'],
        ['4.无正当理由大量反复申请', 'results.not_processed.excessive'],
        ['5.要求行政机关确认或重新出具已获取信息', 'results.not_processed.confirm_or_reissue'],
      ],
    ],
    version === 'v2021' ? ['（六）其他处理', other] : [null, [['（六）其他处理', 'results.other.total']]],
    [null, [['（七）总计', 'results.total']]],
  ];
}

/** Every (table, row, col) key the official layout of a version prints. */
export function layoutKeys(version: Version): string[] {
  const keys: string[] = [];
  for (const block of TABLE2_ROWS[version])
    for (const [, row] of block.rows) for (const col of block.cols) keys.push(`table2|${row}|${col}`);
  const t3rows = [
    'new_received',
    'carried_over',
    ...table3Groups(version).flatMap(([, items]) => items.map(([, k]) => k)),
    'carried_forward',
  ];
  for (const row of t3rows) for (const col of TABLE3_COLS) keys.push(`table3|${row}|${col}`);
  for (const row of ['review', 'litigation_direct', 'litigation_after_review'])
    for (const col of TABLE4_COLS) keys.push(`table4|${row}|${col}`);
  return keys;
}

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

export function labelText(label: string, v: Variation): string {
  let s = v.relabel ? v.relabel(label) : label;
  if (!v.fullWidthBrackets) s = s.replace(/（/g, '(').replace(/）/g, ')').replace(/，/g, ', ');
  if (v.spacesInLabels && s.length >= 4) s = `${s.slice(0, 2)} ${s.slice(2)}`;
  if (v.traditional) s = toTraditional(s);
  return s;
}

function valueCells(r: FixtureReport, row: string, cols: readonly string[]): LCell[] {
  return cols.map((col) => {
    const key = `${row}|${col}`;
    return { text: r.cells.get(key) ?? '', key };
  });
}

export function layoutTable2(r: FixtureReport, v: Variation): LTable {
  const L = (s: string) => labelText(s, v);
  const rows: LTable = [];
  for (const block of TABLE2_ROWS[r.version]) {
    rows.push([{ text: L(block.caption), colspan: 4 }]);
    rows.push([
      { text: L('信息内容') },
      ...block.header.map((h, i) => ({
        text: L(h),
        colspan: i === block.header.length - 1 ? 4 - block.header.length : 1,
      })),
    ]);
    for (const [label, key] of block.rows) {
      const values = valueCells(r, `table2|${key}`, block.cols);
      values[values.length - 1]!.colspan = 4 - block.cols.length;
      rows.push([{ text: L(label) }, ...values]);
    }
  }
  return rows;
}

export function layoutTable3(r: FixtureReport, v: Variation): LTable {
  const L = (s: string) => labelText(s, v);
  const vals = (key: string) => valueCells(r, `table3|${key}`, TABLE3_COLS);
  const rows: LTable = [
    [
      { text: L('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）'), colspan: 3, rowspan: 3 },
      { text: L('申请人情况'), colspan: 7 },
    ],
    [
      { text: L('自然人'), rowspan: 2 },
      { text: L('法人或其他组织'), colspan: 5 },
      { text: L('总计'), rowspan: 2 },
    ],
    ['商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他'].map((t) => ({ text: L(t) })),
    [{ text: L('一、本年新收政府信息公开申请数量'), colspan: 3 }, ...vals('new_received')],
    [{ text: L('二、上年结转政府信息公开申请数量'), colspan: 3 }, ...vals('carried_over')],
  ];
  const groups = table3Groups(r.version);
  const resultRows = groups.reduce(
    (n, [g, items]) => n + items.length + (g && v.subtotalRow && g.includes('不予公开') ? 1 : 0),
    0,
  );
  let first = true;
  for (const [group, items] of groups) {
    const lead = (): LCell[] =>
      first ? ((first = false), [{ text: L('三、本年度办理结果'), rowspan: resultRows }]) : [];
    if (!group) {
      for (const [label, key] of items) rows.push([...lead(), { text: L(label), colspan: 2 }, ...vals(key)]);
      continue;
    }
    if (v.subtotalRow && group.includes('不予公开')) {
      rows.push([...lead(), { text: L(group), colspan: 2 }, ...vals('results.withheld.total')]);
      items.forEach(([label, key]) => rows.push([{ text: '' }, { text: L(label) }, ...vals(key)]));
      continue;
    }
    items.forEach(([label, key], i) =>
      rows.push([
        ...lead(),
        ...(i === 0 ? [{ text: L(group), rowspan: items.length }] : []),
        { text: L(label) },
        ...vals(key),
      ]),
    );
  }
  rows.push([{ text: L('四、结转下年度继续办理'), colspan: 3 }, ...vals('carried_forward')]);
  return rows;
}

export function layoutTable4(r: FixtureReport, v: Variation): LTable {
  const L = (s: string) => labelText(s, v);
  const heads = ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'];
  return [
    [
      { text: L('行政复议'), colspan: 5 },
      { text: L('行政诉讼'), colspan: 10 },
    ],
    [
      ...heads.map((h) => ({ text: L(h), rowspan: 2 })),
      { text: L('未经复议直接起诉'), colspan: 5 },
      { text: L('复议后起诉'), colspan: 5 },
    ],
    [...heads, ...heads].map((h) => ({ text: L(h) })),
    ['review', 'litigation_direct', 'litigation_after_review'].flatMap((row) =>
      valueCells(r, `table4|${row}`, TABLE4_COLS),
    ),
  ];
}

/** A layout cell at its grid position (rowspan/colspan expanded the way an HTML grid is). */
export interface PlacedCell {
  key?: string;
  text: string;
  row: number;
  col: number;
  rowspan: number;
  colspan: number;
  value: boolean;
}

export function placeLayout(t: LTable): { cells: PlacedCell[]; cols: number } {
  const taken: boolean[][] = [];
  const cells: PlacedCell[] = [];
  let cols = 0;
  t.forEach((row, r) => {
    taken[r] ??= [];
    let c = 0;
    for (const cell of row) {
      while (taken[r]![c]) c++;
      const rs = cell.rowspan ?? 1,
        cs = cell.colspan ?? 1;
      for (let dr = 0; dr < rs; dr++) for (let dc = 0; dc < cs; dc++) (taken[r + dr] ??= [])[c + dc] = true;
      cells.push({
        key: cell.key,
        text: cell.text,
        row: r,
        col: c,
        rowspan: rs,
        colspan: cs,
        value: cell.key !== undefined,
      });
      c += cs;
      cols = Math.max(cols, c);
    }
  });
  return { cells, cols };
}
