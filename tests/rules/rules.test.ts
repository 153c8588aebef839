// Every non-HARD rule: a passing case (no finding), a failing case, and where it applies a case it
// cannot assess (no finding: these rules never guess).
import { describe, expect, it } from 'vitest';
import { runRules, RULES } from '../../src/rules/index.ts';
import { parseCount } from '../../src/rules/narrative.ts';
import { cannotMakeRegulations } from '../../src/rules/plausibility.ts';
import type { RuleContext } from '../../src/rules/types.ts';
import { record, t3row } from '../helpers/records.ts';

const rule = (id: string) => RULES.find((r) => r.id === id)!;
const run = (id: string, ctx: Partial<RuleContext> & Pick<RuleContext, 'record'>) =>
  rule(id).check({ previous: null, children: [], ...ctx });

describe('EXPECTED rules across reports', () => {
  it('X-1: carried_over(Y) = carried_forward(Y−1) per column', () => {
    const prev = record({ year: 2022, cells: t3row('carried_forward', [2, 0, 0, 0, 0, 0, 2]) });
    expect(
      run('X-1', { record: record({ cells: t3row('carried_over', [2, 0, 0, 0, 0, 0, 2]) }), previous: prev }),
    ).toEqual([]);
    const f = run('X-1', { record: record({ cells: t3row('carried_over', [3, 0, 0, 0, 0, 0, 3]) }), previous: prev });
    expect(f.map((x) => [x.status, x.cells[0]![2], x.left, x.right])).toEqual([
      ['fail', 'natural_person', 3, 2],
      ['fail', 'total', 3, 2],
    ]);
    expect(run('X-1', { record: record({ cells: t3row('carried_over', [3, 0, 0, 0, 0, 0, 3]) }) })).toEqual([]); // no previous report
    expect(
      run('X-1', {
        record: record({ cells: t3row('carried_over', ['', 0, 0, 0, 0, 0, 3]) }),
        previous: record({ cells: t3row('carried_forward', [2, 0, 0, 0, 0, 0, 3]) }),
      }),
    ).toEqual([]);
  });

  it('X-2: in_force(Y) = in_force(Y−1) + issued − repealed', () => {
    const prev = record({ year: 2023, cells: { 'table2|normative_documents|in_force': 470 } });
    const cur = (inForce: number) =>
      record({
        year: 2024,
        cells: {
          'table2|normative_documents|in_force': inForce,
          'table2|normative_documents|issued': 62,
          'table2|normative_documents|repealed': 33,
        },
      });
    expect(run('X-2', { record: cur(499), previous: prev })).toEqual([]);
    expect(run('X-2', { record: cur(440), previous: prev })[0]).toMatchObject({
      status: 'fail',
      left: 440,
      right: 499,
    });
    expect(
      run('X-2', {
        record: cur(440),
        previous: record({
          versions: { table2: 'v2019' },
          cells: { 'table2|normative_documents|total_published': 470 },
        }),
      }),
    ).toEqual([]);
  });

  it('R-1: an aggregate report equals the sum of its subordinate reports', () => {
    const agg = (n: number) => record({ scope: 'aggregate', cells: { 'table3|new_received|total': n } });
    const kids = [
      record({ agency: 'A局', cells: { 'table3|new_received|total': 3 } }),
      record({ agency: 'B局', cells: { 'table3|new_received|total': 4 } }),
    ];
    expect(run('R-1', { record: agg(7), children: kids })).toEqual([]);
    expect(run('R-1', { record: agg(9), children: kids })[0]).toMatchObject({ status: 'fail', left: 9, right: 7 });
    expect(run('R-1', { record: agg(9), children: [] })).toEqual([]);
  });
});

describe('PLAUSIBILITY rules', () => {
  it('X-3: identical substantive tables and tenfold jumps year over year', () => {
    const cells = { ...t3row('new_received', [120, 3, 0, 0, 1, 0, 124]) };
    const a = record({ year: 2024, cells }),
      b = record({ year: 2023, cells });
    expect(run('X-3', { record: a, previous: b }).map((f) => f.message)).toEqual([expect.stringContaining('完全相同')]);
    const jump = run('X-3', {
      record: record({ cells: t3row('new_received', [1500, 0, 0, 0, 0, 0, 1500]) }),
      previous: record({ cells: t3row('new_received', [100, 0, 0, 0, 0, 0, 100]) }),
    });
    expect(jump.map((f) => f.left)).toEqual([1500]);
    expect(
      run('X-3', {
        record: record({ cells: t3row('new_received', [120, 0, 0, 0, 0, 0, 120]) }),
        previous: record({ cells: t3row('new_received', [100, 0, 0, 0, 0, 0, 100]) }),
      }),
    ).toEqual([]);
  });

  it('T2-P1, T2-P2, T2-P3', () => {
    expect(
      run('T2-P1', {
        record: record({ cells: { 'table2|normative_documents|in_force': 2, 'table2|normative_documents|issued': 5 } }),
      })[0],
    ).toMatchObject({ status: 'fail' });
    expect(
      run('T2-P1', {
        record: record({ cells: { 'table2|normative_documents|in_force': 9, 'table2|normative_documents|issued': 5 } }),
      }),
    ).toEqual([]);
    expect(cannotMakeRegulations('沭阳县人民政府')).toBe(true);
    expect(cannotMakeRegulations('莆田市林业局')).toBe(true);
    expect(cannotMakeRegulations('三明市人民政府')).toBe(false);
    expect(cannotMakeRegulations('上海市人民政府办公厅')).toBe(false);
    expect(
      run('T2-P2', { record: record({ agency: '莆田市林业局', cells: { 'table2|regulations|issued': 1 } }) })[0],
    ).toMatchObject({ status: 'fail' });
    expect(
      run('T2-P2', { record: record({ agency: '莆田市林业局', cells: { 'table2|regulations|issued': 0 } }) }),
    ).toEqual([]);
    expect(run('T2-P3', { record: record({ cells: { 'table2|fees|amount': '129323元' } }) })[0]!.message).toContain(
      '元',
    );
    expect(
      run('T2-P3', { record: record({ agency: '莆田市林业局', cells: { 'table2|fees|amount': 354300 } }) })[0],
    ).toMatchObject({ status: 'fail' });
    expect(run('T2-P3', { record: record({ cells: { 'table2|fees|amount': 354.36 } }) })).toEqual([]);
  });

  it('M-1 statistics period, M-2 late publication, M-3 format vs year', () => {
    expect(
      run('M-1', {
        record: record({ year: 2024, overview: '本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。' }),
      })[0],
    ).toMatchObject({ left: 2024, right: 2023 });
    expect(
      run('M-1', {
        record: record({ year: 2023, overview: '本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。' }),
      }),
    ).toEqual([]);
    expect(
      run('M-2', { record: record({ agency: '莆田市林业局', year: 2023, publish: '2024-02-05' }) })[0]!.message,
    ).toContain('2024-01-31');
    expect(run('M-2', { record: record({ agency: '三明市人民政府', year: 2023, publish: '2024-02-05' }) })).toEqual([]);
    expect(run('M-2', { record: record({ agency: '三明市人民政府', year: 2023, publish: null }) })).toEqual([]);
    expect(run('M-3', { record: record({ year: 2023, versions: { table2: 'v2019' } }) }).map((f) => f.message)).toEqual(
      [expect.stringContaining('表二')],
    );
    expect(run('M-3', { record: record({ year: 2020, versions: { table2: 'v2019', table3: 'v2019' } }) })).toEqual([]);
  });
});

describe('N-*: narrative numbers against the tables', () => {
  const tables = {
    ...t3row('new_received', [6, 0, 0, 0, 0, 0, 6]),
    ...t3row('carried_over', [0, 0, 0, 0, 0, 0, 0]),
    ...t3row('carried_forward', [2, 0, 0, 0, 0, 0, 2]),
    ...t3row('results.total', [4, 0, 0, 0, 0, 0, 4]),
    'table4|review|total': 3,
    'table4|litigation_direct|total': 0,
    'table4|litigation_after_review|total': 0,
  };
  const n = (overview: string, cells: Record<string, string | number> = tables) =>
    RULES.find((r) => r.id === 'N')!.check({ record: record({ cells, overview }), previous: null, children: [] });

  it('reads Chinese numerals and units', () => {
    expect([
      parseCount('859'),
      parseCount('两'),
      parseCount('十二'),
      parseCount('一百零五'),
      parseCount('三千二百'),
      parseCount('余'),
    ]).toEqual([859, 2, 12, 105, 3200, null]);
  });
  it('agreeing narratives give no finding', () => {
    expect(
      n(
        '共收到政府信息公开申请6件，6件申请均为自然人申请，结转下年度继续办理2件；因政府信息公开工作被申请行政复议三次，未发生因政府信息公开工作被提起行政诉讼情况。',
      ),
    ).toEqual([]);
  });
  it('a mismatch is a finding naming the table cell, never a change of value', () => {
    const f = n('本年度共受理政府信息公开申请七件，被申请行政复议2次。');
    expect(f.map((x) => [x.rule, x.left, x.right, x.cells[0]])).toEqual([
      ['N-1', 7, 6, ['table3', 'new_received', 'total']],
      ['N-7', 2, 3, ['table4', 'review', 'total']],
    ]);
  });
  it('approximate numbers are not checked; "均为自然人" and "未发生…行政诉讼" are', () => {
    expect(n('共收到申请700余件。')).toEqual([]);
    expect(n('申请均为自然人。', { ...tables, 'table3|new_received|legal.commercial': 1 }).map((x) => x.rule)).toEqual([
      'N-5',
    ]);
    expect(n('未发生行政诉讼案件。', { ...tables, 'table4|litigation_direct|total': 2 }).map((x) => x.rule)).toEqual([
      'N-8',
    ]);
    expect(
      n('全年未发生被行政复议纠错或行政诉讼败诉情形。', { ...tables, 'table4|litigation_direct|total': 2 }),
    ).toEqual([]);
  });
});

describe('the engine', () => {
  it('keeps extraction findings and adds every rule family', () => {
    const r = record({
      year: 2023,
      publish: '2024-05-01',
      agency: '莆田市林业局',
      versions: { table3: 'v2019' },
      cells: { ...t3row('new_received', [1, 0, 0, 0, 0, 0, 2]) },
    });
    r.findings.push({
      rule: 'E-ROW',
      level: 'hard',
      status: 'not_assessable',
      cells: [],
      left: null,
      right: null,
      delta: null,
      blame: 'extraction',
      message: 'x',
    });
    expect(new Set(runRules({ record: r, previous: null, children: [] }).map((f) => f.rule))).toEqual(
      new Set(['E-ROW', 'T3-1', 'T3-3', 'M-2', 'M-3']),
    );
  });
});
