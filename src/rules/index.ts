// The rule engine: every rule of report-format.md as one entry, run on effective values.
import type { Finding } from '../record.ts';
import { XCOPY } from './copies.ts';
import { R1, X1, X2, X3 } from './cross.ts';
import { hardFindings } from './hard.ts';
import { NARRATIVE } from './narrative.ts';
import { M1, M2, M3, T2P1, T2P2, T2P3 } from './plausibility.ts';
import type { Rule, RuleContext } from './types.ts';

const HARD_TITLES: Array<[string, string]> = [
  ['T3-1', '每列：一 + 二 = 三(七) + 四'],
  ['T3-2', '每列：（七）总计 = 各办理结果之和'],
  ['T3-3', '每行：总计 = 自然人 + 法人或其他组织各列'],
  ['T3-4', '印出的小计行/列 = 其分项之和'],
  ['T3-5', '表三每个数都是非负整数'],
  ['T4-1', '每行：总计 = 维持 + 纠正 + 其他 + 尚未审结'],
  ['T4-2', '表四每个数都是非负整数'],
  ['T2-1', '表二件数为非负整数，收费金额为非负数，v2019 增减为整数'],
];

/** The HARD rules share one evaluation (the blank policy in sums.ts); listed here one per id. */
const HARD: Rule[] = HARD_TITLES.map(([id, title]) => ({
  id,
  level: 'hard',
  title,
  check: ({ record }) => hardFindings(record).filter((f) => f.rule === id),
}));

export const RULES: readonly Rule[] = [...HARD, T2P1, T2P2, T2P3, X1, X2, X3, R1, NARRATIVE, M1, M2, M3, XCOPY];

/** Findings the extractor itself reports (rows it could not read, duplicate cells): kept as they are. */
const isExtractionFinding = (f: Finding) => f.rule.startsWith('E-');

export function runRules(ctx: RuleContext): Finding[] {
  const out = ctx.record.findings.filter(isExtractionFinding);
  const hard = hardFindings(ctx.record);
  out.push(...hard);
  for (const rule of RULES) if (!HARD.includes(rule)) out.push(...rule.check(ctx));
  return out;
}

export type { Rule, RuleContext } from './types.ts';
