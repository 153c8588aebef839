// Publisher compliance per report (条例 第四十九条 and the format rules): null when unknown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compliance, expectedFormat, publishDeadline } from '../../src/export/compliance.ts';
import { record } from '../helpers/records.ts';

const none = { findings: [], decisions: [] };

describe('compliance', () => {
  it('deadlines: departments 31 January, governments 31 March of the following year; unknown level → null', () => {
    expect(publishDeadline(2023, 'department')).toBe('2024-01-31');
    for (const level of ['province', 'prefecture', 'county', 'township'])
      expect(publishDeadline(2023, level)).toBe('2024-03-31');
    expect(publishDeadline(2023, null)).toBeNull();
    expect(publishDeadline(null, 'county')).toBeNull();
  });

  it('on time, late by n days, or null when the publish date is unknown', () => {
    const r = (publish: string | null) => record({ year: 2023, publish });
    expect(compliance(r('2024-01-31'), 'department', none)).toMatchObject({ published_on_time: true, days_late: 0 });
    expect(compliance(r('2024-02-03'), 'department', none)).toMatchObject({ published_on_time: false, days_late: 3 });
    expect(compliance(r('2024-02-03'), 'county', none)).toMatchObject({ published_on_time: true, days_late: 0 });
    expect(compliance(r(null), 'county', none)).toMatchObject({ published_on_time: null, days_late: null });
    expect(compliance(r('2024-02-03'), null, none)).toMatchObject({ published_on_time: null, publish_deadline: null });
  });

  it('property: lateness is the day count past the deadline, whatever the date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2019, max: 2030 }),
        fc.integer({ min: -200, max: 400 }),
        fc.boolean(),
        (year, offset, dept) => {
          const deadline = Date.UTC(year + 1, dept ? 0 : 2, 31);
          const publish = new Date(deadline + offset * 86_400_000).toISOString().slice(0, 10);
          const c = compliance(record({ year, publish }), dept ? 'department' : 'prefecture', none);
          expect(c.published_on_time).toBe(offset <= 0);
          expect(c.days_late).toBe(Math.max(0, offset));
        },
      ),
    );
  });

  it('format matching the year, tables printed, HARD rules, narrative, confirmed publisher errors', () => {
    expect(expectedFormat(2020)).toBe('v2019');
    expect(expectedFormat(2021)).toBe('v2021');
    expect(expectedFormat(2018)).toBeNull();
    const mixed = record({ year: 2023, versions: { table2: 'v2019' } });
    expect(compliance(mixed, 'county', none).format_matches_year).toBe(false);
    expect(compliance(record({ year: 2023 }), 'county', none).format_matches_year).toBe(true);
    const missing = record({ year: 2023 });
    missing.report.tables_missing = ['table4'];
    expect(compliance(missing, 'county', none)).toMatchObject({ all_tables_printed: false, hard_rules_pass: null });
    const f = (rule: string, level: string, status: string) => ({ rule, level, status });
    expect(
      compliance(record({}), 'county', { findings: [f('T4-1', 'hard', 'fail')], decisions: [] }).hard_rules_pass,
    ).toBe(false);
    expect(
      compliance(record({}), 'county', { findings: [f('T3-1', 'hard', 'not_assessable')], decisions: [] })
        .hard_rules_pass,
    ).toBeNull();
    expect(compliance(record({}), 'county', none).hard_rules_pass).toBe(true);
    expect(
      compliance(record({ overview: '共收到申请6件' }), 'county', {
        findings: [f('N-1', 'plausibility', 'fail')],
        decisions: [],
      }).narrative_agrees,
    ).toBe(false);
    expect(compliance(record({ overview: '共收到申请6件' }), 'county', none).narrative_agrees).toBe(true);
    expect(compliance(record({}), 'county', none).narrative_agrees).toBeNull();
    expect(
      compliance(record({}), 'county', {
        findings: [],
        decisions: ['publisher-error', 'false-alarm', null, 'publisher-error'],
      }).publisher_errors_confirmed,
    ).toBe(2);
  });
});
