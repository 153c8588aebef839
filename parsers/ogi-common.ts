// Parts of the OGI format shared by v2019 and v2021: table 3's columns and rows (except （六）), table 4.
import type { ColumnSpec, RowSpec, TableTemplate } from './template.ts';

/** Table 3 applicant columns in printed order; `legal.subtotal` only when a local template prints it. */
export const TABLE3_COLS = [
  'natural_person',
  'legal.commercial',
  'legal.research',
  'legal.social_welfare',
  'legal.legal_services',
  'legal.other',
  'total',
] as const;
export const TABLE3_APPLICANT_COLS = TABLE3_COLS.slice(0, 6);
export const TABLE3_LEGAL_COLS = TABLE3_COLS.slice(1, 6);

/** Table 3 value columns: header words as printed (normalised), all counts. */
export const TABLE3_COLUMNS: ColumnSpec[] = [
  { key: 'natural_person', header: /自然人/, kind: 'count' },
  { key: 'legal.commercial', header: /^商业/, kind: 'count' },
  { key: 'legal.research', header: /^科研/, kind: 'count' },
  { key: 'legal.social_welfare', header: /^社会/, kind: 'count' },
  { key: 'legal.legal_services', header: /^(?:法律服|法律$)/, kind: 'count' },
  { key: 'legal.other', header: /^其他$/, kind: 'count' },
  { key: 'total', header: /^总计$/, kind: 'count' },
];
export const TABLE3_GLUED = /(?:申请数量|予以公开|属于国家秘密|重复申请)\d{3,}/;

/** Table 3 rows before （六）其他处理 (identical in both versions). Labels are normalised (see labels.ts). */
export const TABLE3_HEAD_ROWS: RowSpec[] = [
  {
    key: 'new_received',
    printed: '一、本年新收政府信息公开申请数量',
    labels: ['本年新收', '本年度新收', '新收政府信息公开申请'],
  },
  {
    key: 'carried_over',
    printed: '二、上年结转政府信息公开申请数量',
    labels: ['上年结转', '上年度结转', '上年转结', '上一年结转'],
  },
  { key: 'results.granted', printed: '（一）予以公开', labels: ['予以公开'] },
  { key: 'results.partially_granted', printed: '（二）部分公开', labels: ['部分公开'] },
  {
    key: 'results.withheld.total',
    printed: '（三）不予公开（小计）',
    labels: ['不予公开'],
    subtotal: true,
    opensGroup: 'withheld',
  },
  { key: 'results.withheld.state_secret', printed: '（三）1.属于国家秘密', labels: ['属于国家秘密', '国家秘密'] },
  {
    key: 'results.withheld.law_prohibited',
    printed: '（三）2.其他法律行政法规禁止公开',
    labels: ['其他法律行政法规禁止公开', '法律行政法规禁止公开', '禁止公开', '其他法律行政止公开'],
  },
  {
    key: 'results.withheld.security_stability',
    printed: '（三）3.危及“三安全一稳定”',
    labels: ['三安全一稳定', '危及三安全'],
  },
  {
    key: 'results.withheld.third_party_rights',
    printed: '（三）4.保护第三方合法权益',
    labels: ['保护第三方合法权益', '第三方合法权益'],
  },
  {
    key: 'results.withheld.internal_affairs',
    printed: '（三）5.属于三类内部事务信息',
    labels: ['三类内部事务', '内部事务信息'],
  },
  {
    key: 'results.withheld.process_info',
    printed: '（三）6.属于四类过程性信息',
    labels: ['四类过程性信息', '过程性信息'],
  },
  { key: 'results.withheld.enforcement_file', printed: '（三）7.属于行政执法案卷', labels: ['行政执法案卷'] },
  { key: 'results.withheld.admin_query', printed: '（三）8.属于行政查询事项', labels: ['行政查询事项'] },
  {
    key: 'results.unable.total',
    printed: '（四）无法提供（小计）',
    labels: ['无法提供'],
    subtotal: true,
    opensGroup: 'unable',
  },
  {
    key: 'results.unable.not_held',
    printed: '（四）1.本机关不掌握相关政府信息',
    labels: ['不掌握相关政府信息', '本机关不掌握', '本机不掌握', '不掌握'],
  },
  {
    key: 'results.unable.needs_creation',
    printed: '（四）2.没有现成信息需要另行制作',
    labels: ['没有现成信息', '需要另行制作', '另行制作'],
  },
  {
    key: 'results.unable.unclear_after_correction',
    printed: '（四）3.补正后申请内容仍不明确',
    labels: ['补正后申请内容仍不明确', '仍不明确'],
  },
  {
    key: 'results.not_processed.total',
    printed: '（五）不予处理（小计）',
    labels: ['不予处理'],
    subtotal: true,
    opensGroup: 'not_processed',
  },
  {
    key: 'results.not_processed.petition_complaint',
    printed: '（五）1.信访举报投诉类申请',
    labels: ['信访举报投诉', '信访举报'],
  },
  { key: 'results.not_processed.duplicate', printed: '（五）2.重复申请', labels: ['重复申请'] },
  {
    key: 'results.not_processed.publication',
    printed: '（五）3.要求提供公开出版物',
    labels: ['要求提供公开出版物', '公开出版物'],
  },
  {
    key: 'results.not_processed.excessive',
    printed: '（五）4.无正当理由大量反复申请',
    labels: ['无正当理由大量反复申请', '大量反复申请'],
  },
  {
    key: 'results.not_processed.confirm_or_reissue',
    printed: '（五）5.要求行政机关确认或重新出具已获取信息',
    labels: ['确认或重新出具', '重新出具已获取信息'],
  },
];

export const TABLE3_TAIL_ROWS: RowSpec[] = [
  { key: 'results.total', printed: '（七）总计', labels: ['(七)总计', '七)总计'], opensGroup: 'none' },
  {
    key: 'carried_forward',
    printed: '四、结转下年度继续办理',
    labels: ['结转下年度继续办理', '结转下年度', '结转下一年度', '结转下一年', '转入下年度'],
    opensGroup: 'none',
  },
];

export const TABLE4_COLS = ['upheld', 'corrected', 'other', 'pending', 'total'] as const;

/** Table 4 is the same in both versions: one wide row of 15 values, or three labelled rows of 5. */
export const TABLE4: TableTemplate = {
  markers: [],
  // Wrapped headers ("结果/维持", "其他结/果", "尚未/审结") give one or two pieces per column.
  columns: [
    { key: 'upheld', header: /^(?:结果维|维持)/, kind: 'count' },
    { key: 'corrected', header: /^(?:结果纠|纠正)/, kind: 'count' },
    { key: 'other', header: /^其他/, kind: 'count' },
    { key: 'pending', header: /^(?:尚未|审结)/, kind: 'count' },
    { key: 'total', header: /^总计/, kind: 'count' },
  ],
  gluedRow: /(?:尚未审结|总计)(?:\d\s*){10,}/,
  rows: [
    { key: 'review', printed: '行政复议', labels: ['行政复议'], cols: TABLE4_COLS },
    {
      key: 'litigation_direct',
      printed: '行政诉讼：未经复议直接起诉',
      labels: ['未经复议直接起诉', '直接起诉'],
      cols: TABLE4_COLS,
    },
    { key: 'litigation_after_review', printed: '行政诉讼：复议后起诉', labels: ['复议后起诉'], cols: TABLE4_COLS },
  ],
};
