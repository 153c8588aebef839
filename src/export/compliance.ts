// What the 条例 asks of a publisher, per report: columns of the `reports` layout. Each is null when
// the store cannot tell (never a guess that looks like an answer).
import type { FormatVersion, ReportRecord } from '../record.ts';

export interface ComplianceFindings {
  /** rule, level, status of every stored finding of the report */
  findings: Array<{ rule: string; level: string; status: string }>;
  /** decisions of the report's review items */
  decisions: Array<string | null>;
}

export interface Compliance {
  publish_deadline: string | null;
  published_on_time: boolean | null;
  days_late: number | null;
  all_tables_printed: boolean | null;
  format_matches_year: boolean | null;
  hard_rules_pass: boolean | null;
  narrative_agrees: boolean | null;
  publisher_errors_confirmed: number;
}

const GOVERNMENT_LEVELS = new Set(['province', 'prefecture', 'county', 'township']);
const DAY_MS = 86_400_000;

/** 第四十九条: departments by 31 January, people's governments by 31 March of the following year. */
export function publishDeadline(year: number | null, level: string | null): string | null {
  if (year === null || !level) return null;
  if (level === 'department') return `${year + 1}-01-31`;
  return GOVERNMENT_LEVELS.has(level) ? `${year + 1}-03-31` : null;
}

/** The national table format a report on `year` should use. */
export const expectedFormat = (year: number | null): FormatVersion | null =>
  year === null || year < 2019 ? null : year <= 2020 ? 'v2019' : 'v2021';

export function compliance(record: ReportRecord, level: string | null, f: ComplianceFindings): Compliance {
  const r = record.report;
  const deadline = publishDeadline(r.report_year, level);
  const late =
    deadline && r.publish_date ? Math.round((Date.parse(r.publish_date) - Date.parse(deadline)) / DAY_MS) : null;
  const expected = expectedFormat(r.report_year);
  const printed = Object.values(r.format_version).filter((v): v is FormatVersion => v !== null);
  const hard = f.findings.filter((x) => x.level === 'hard');
  const narrative = f.findings.filter((x) => x.rule.startsWith('N-'));
  return {
    publish_deadline: deadline,
    published_on_time: late === null ? null : late <= 0,
    days_late: late === null ? null : Math.max(0, late),
    all_tables_printed: r.tables_missing.length === 0,
    format_matches_year: expected === null || printed.length === 0 ? null : printed.every((v) => v === expected),
    // A table not read cannot be checked; a failed check decides the answer either way.
    hard_rules_pass: hard.some((x) => x.status === 'fail')
      ? false
      : r.tables_missing.length || hard.some((x) => x.status === 'not_assessable')
        ? null
        : true,
    narrative_agrees: narrative.some((x) => x.status === 'fail') ? false : record.narrative?.overview ? true : null,
    publisher_errors_confirmed: f.decisions.filter((d) => d === 'publisher-error').length,
  };
}
