// 国办公开办函〔2021〕30号: the revised format, used for reports on 2021 onward.
import type { FormatTemplate } from './template.ts';
import { TABLE3_COLUMNS, TABLE3_GLUED, TABLE3_HEAD_ROWS, TABLE3_TAIL_ROWS, TABLE4 } from './ogi-common.ts';

const DOCS = ['issued', 'repealed', 'in_force'] as const;
const DECISIONS = ['decisions'] as const;

export const v2021: FormatTemplate = {
  version: 'v2021',
  source: '国办公开办函〔2021〕30号',
  years: { from: 2021, to: null },
  table2: {
    columns: [
      { key: 'issued', header: /本年制发/, kind: 'count' },
      { key: 'repealed', header: /本年废止/, kind: 'count' },
      { key: 'in_force', header: /现行有效/, kind: 'count' },
      { key: 'decisions', header: /处理决定/, kind: 'count' },
      { key: 'amount', header: /收费金额/, kind: 'amount' },
    ],
    gluedRow: /(?:规章|规范性文件|行政许可|行政处罚|行政强制|行政事业性收费)\d{2,}/,
    markers: ['本年制发件数', '本年废止件数', '现行有效件数', '本年收费金额'],
    rows: [
      { key: 'regulations', printed: '规章', labels: ['规章'], cols: DOCS },
      { key: 'normative_documents', printed: '行政规范性文件', labels: ['行政规范性文件', '规范性文件'], cols: DOCS },
      { key: 'licensing', printed: '行政许可', labels: ['行政许可'], cols: DECISIONS },
      { key: 'penalty', printed: '行政处罚', labels: ['行政处罚'], cols: DECISIONS },
      { key: 'compulsion', printed: '行政强制', labels: ['行政强制'], cols: DECISIONS },
      { key: 'fees', printed: '行政事业性收费', labels: ['行政事业性收费'], cols: ['amount'] },
    ],
  },
  table3: {
    columns: TABLE3_COLUMNS,
    gluedRow: TABLE3_GLUED,
    markers: ['逾期不补正', '逾期未按收费通知', '缴纳费用'],
    rows: [
      ...TABLE3_HEAD_ROWS,
      {
        key: 'results.other.total',
        printed: '（六）其他处理（小计）',
        labels: ['其他处理'],
        subtotal: true,
        opensGroup: 'other',
      },
      {
        key: 'results.other.overdue_correction',
        printed: '（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
        labels: ['逾期不补正', '不补正'],
      },
      {
        key: 'results.other.overdue_fee',
        printed: '（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
        labels: ['逾期未按收费通知', '收费通知', '缴纳费用'],
      },
      { key: 'results.other.other', printed: '（六）3.其他', labels: ['其他'], group: 'other' },
      ...TABLE3_TAIL_ROWS,
    ],
  },
  table4: TABLE4,
};
