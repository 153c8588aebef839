// Every kind of finding that can reach the review queue, in one table: the rules the checks run and
// the findings the extractor itself reports (E-*). `nianbao rules`
// prints it; a test holds it complete against every `rule: '…'` the sources can emit.
import type { Finding } from '../record.ts';
import { RULES } from './index.ts';

export interface FindingKind {
  id: string;
  level: Finding['level'];
  /** What it means, in one line. */
  title: string;
}

/** Findings raised while reading a document, not by a rule over its values. */
export const EXTRACTION_FINDINGS = [
  { id: 'E-ROW', level: 'hard', title: '印出的行数值个数与列数不符，未读取；本表其余数值需人工核对' },
  { id: 'E-DUP', level: 'hard', title: '同一单元格印出两次且数值不同（保留第一次出现的值）' },
  { id: 'E-JOIN', level: 'hard', title: '文字层把数字拆开：只在勾稽关系能证明时合并读取' },
  { id: 'E-GLUE', level: 'hard', title: '单元格粘连的副本：数值按位数或勾稽关系唯一拆分，须对照原件核对' },
  { id: 'E-OCR', level: 'hard', title: '表格由OCR识别，须人工对照原件核对' },
  { id: 'E-SCAN', level: 'hard', title: '扫描件或图片无法识别，三张表格均未读取，需人工处理' },
  { id: 'E-TABLE', level: 'hard', title: '表格未读取（本副本未印出、印出但无法读取或印成图片），需人工录入' },
] as const satisfies readonly FindingKind[];

/** The id of a finding the extractor raises: only ids listed above compile (see extraction.ts). */
export type ExtractionFindingId = (typeof EXTRACTION_FINDINGS)[number]['id'];

export const FINDING_KINDS: readonly FindingKind[] = [
  ...RULES.map(({ id, level, title }) => ({ id, level, title })),
  ...EXTRACTION_FINDINGS,
];
