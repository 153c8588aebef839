// 国办公开办函〔2019〕60号 "年度报告格式（试行）": used for reports on 2019 and 2020.
import type { FormatTemplate } from './template.ts';
import { TABLE3_COLUMNS, TABLE3_GLUED, TABLE3_HEAD_ROWS, TABLE3_TAIL_ROWS, TABLE4 } from './ogi-common.ts';

const DOCS = ['newly_made', 'newly_published', 'total_published'] as const;
const ITEMS = ['prev_items', 'change', 'decisions'] as const;

export const v2019: FormatTemplate = {
  version: 'v2019',
  source: '国办公开办函〔2019〕60号',
  years: { from: 2019, to: 2020 },
  table2: {
    columns: [
      { key: 'newly_made', header: /本年新制作/, kind: 'count' },
      { key: 'newly_published', header: /本年新公开/, kind: 'count' },
      { key: 'total_published', header: /对外公开总/, kind: 'count' },
      { key: 'prev_items', header: /上一年/, kind: 'count' },
      { key: 'change', header: /增\/?减|增减/, kind: 'signed_count' },
      { key: 'decisions', header: /处理决定/, kind: 'count' },
      { key: 'items', header: /采购项目/, kind: 'count' },
      { key: 'amount', header: /采购总金额/, kind: 'amount' },
    ],
    gluedRow: /(?:规章|规范性文件|行政许可|行政处罚|行政强制|行政事业性收费)\d{2,}/,
    markers: [
      '本年新制作数量',
      '本年新公开数量',
      '对外公开总数',
      '上一年项目数量',
      '上一年年目数量',
      '政府集中采购',
      '采购项目数量',
      '采购总金额',
      '其他对外管理服务事项',
    ],
    rows: [
      { key: 'regulations', printed: '规章', labels: ['规章'], cols: DOCS },
      { key: 'normative_documents', printed: '规范性文件', labels: ['规范性文件'], cols: DOCS },
      { key: 'licensing', printed: '行政许可', labels: ['行政许可'], cols: ITEMS },
      {
        key: 'other_services',
        printed: '其他对外管理服务事项',
        labels: ['其他对外管理服务事项', '对外管理服务事项'],
        cols: ITEMS,
      },
      { key: 'penalty', printed: '行政处罚', labels: ['行政处罚'], cols: ITEMS },
      { key: 'compulsion', printed: '行政强制', labels: ['行政强制'], cols: ITEMS },
      { key: 'fees', printed: '行政事业性收费', labels: ['行政事业性收费'], cols: ['prev_items', 'change'] },
      { key: 'procurement', printed: '政府集中采购', labels: ['政府集中采购'], cols: ['items', 'amount'] },
    ],
  },
  table3: {
    columns: TABLE3_COLUMNS,
    gluedRow: TABLE3_GLUED,
    // In v2019 （六）其他处理 is one row with its own numbers: a v2021 marker absent and this row filled.
    markers: [],
    rows: [
      ...TABLE3_HEAD_ROWS,
      { key: 'results.other.total', printed: '（六）其他处理', labels: ['其他处理'], opensGroup: 'other' },
      ...TABLE3_TAIL_ROWS,
    ],
  },
  table4: TABLE4,
};
