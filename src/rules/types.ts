// What a rule sees and what it is: the engine (rules/index.ts) runs every rule on effective values.
import type { Finding, ReportRecord } from '../record.ts';

export interface RuleContext {
  /** The report with corrections applied (effective values). */
  record: ReportRecord;
  /** The same body's report for the year before, when the store has it. */
  previous: ReportRecord | null;
  /** Reports of the bodies this government covers, for the same year, when known. */
  children: ReportRecord[];
  /** The report's other copies (documents of the same report), for X-COPY. */
  copies?: ReportRecord[];
}

export interface Rule {
  id: string;
  level: Finding['level'];
  /** What the rule checks, in one line (shown by `nianbao rules`). */
  title: string;
  check(ctx: RuleContext): Finding[];
}
