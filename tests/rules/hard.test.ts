import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hardFindings } from '../../src/rules/hard.ts';
import type { Cell } from '../../src/record.ts';
import { parseValue } from '../../src/extract/value.ts';

const SRC = { page: null, table_index: 0, row_index: 0, col_index: 0, line: null, bbox: null };
function cell(table: Cell['table'], row: string, col: string, raw: string, extra: Partial<Cell['source']> = {}): Cell {
  const p = parseValue(raw);
  return { table, row, col, raw, kind: p.kind, value: p.value, unit: p.unit, source: { ...SRC, ...extra } };
}
const t4 = (row: string, vals: string[]) =>
  ['upheld', 'corrected', 'other', 'pending', 'total'].map((c, i) => cell('table4', row, c, vals[i]!));
const find = (cells: Cell[], rule: string) => hardFindings({ cells }).filter((f) => f.rule === rule);

describe('T4-1 and the blank policy', () => {
  it('all printed: pass is silent, a mismatch fails naming both sides and the publisher', () => {
    expect(find(t4('review', ['1', '0', '0', '0', '1']), 'T4-1')).toEqual([]);
    const [f] = find(t4('review', ['10', '1', '0', '0', '0']), 'T4-1');
    expect(f).toMatchObject({ status: 'fail', left: 0, right: 11, delta: -11, blame: 'publisher' });
    expect(f!.cells).toContainEqual(['table4', 'review', 'total']);
  });
  it('total blank → not assessable, never read as 0', () => {
    expect(find(t4('review', ['2', '0', '0', '0', '']), 'T4-1')[0]).toMatchObject({
      status: 'not_assessable',
      left: null,
    });
  });
  it('known parts already exceed the total → fail even with blanks', () => {
    expect(find(t4('review', ['5', '', '0', '0', '3']), 'T4-1')[0]).toMatchObject({ status: 'fail' });
  });
  it('known parts equal the total → pass with the blank parts inferred as 0, said out loud', () => {
    const [f] = find(t4('review', ['3', '', '-', '0', '3']), 'T4-1');
    expect(f).toMatchObject({ status: 'pass' });
    expect(f!.inferred).toEqual([
      ['table4', 'review', 'corrected'],
      ['table4', 'review', 'other'],
    ]);
  });
  it('a cell the document does not show is not a blank: nothing is inferred from it', () => {
    const cells = t4('review', ['3', '0', '0', '0', '3']).filter((c) => c.col !== 'corrected');
    expect(find(cells, 'T4-1')[0]).toMatchObject({ status: 'not_assessable', blame: 'extraction' });
  });
  it('known parts fall short → not assessable', () => {
    expect(find(t4('review', ['1', '', '0', '0', '3']), 'T4-1')[0]).toMatchObject({ status: 'not_assessable' });
  });
  it('a reading the extractor had to choose is blamed on extraction', () => {
    const cells = t4('review', ['1', '0', '0', '0', '2']);
    cells[0] = cell('table4', 'review', 'upheld', '1', { resolved_by: 'row_sum' });
    expect(find(cells, 'T4-1')[0]).toMatchObject({ status: 'fail', blame: 'extraction' });
  });
  it('a missing operand never yields FAIL (property)', () => {
    const raw = fc.oneof(fc.nat(50).map(String), fc.constantFrom('', '-', '无'));
    fc.assert(
      fc.property(fc.array(raw, { minLength: 5, maxLength: 5 }), (vals) => {
        const f = find(t4('review', vals), 'T4-1')[0];
        const nums = vals.map((v) => parseValue(v).value);
        const total = nums[4] ?? null;
        const parts = nums.slice(0, 4);
        const known = parts.reduce<number>((a, b) => a + (b ?? 0), 0);
        if (total === null) expect(f?.status).toBe('not_assessable');
        else if (parts.every((p) => p !== null)) expect(f?.status ?? 'pass').toBe(known === total ? 'pass' : 'fail');
        else if (known > total) expect(f?.status).toBe('fail');
        else if (known === total) expect(f?.status).toBe('pass');
        else expect(f?.status).toBe('not_assessable');
      }),
    );
  });
});

describe('table 3 rules', () => {
  const cols = [
    'natural_person',
    'legal.commercial',
    'legal.research',
    'legal.social_welfare',
    'legal.legal_services',
    'legal.other',
    'total',
  ];
  const row = (key: string, vals: number[]) => cols.map((c, i) => cell('table3', key, c, String(vals[i])));
  it('T3-1 fails per column when 一+二 ≠ 三(七)+四, T3-3 per row', () => {
    const cells = [
      ...row('new_received', [6, 0, 0, 0, 0, 0, 6]),
      ...row('carried_over', [1, 0, 0, 0, 0, 0, 1]),
      ...row('results.granted', [4, 0, 0, 0, 0, 0, 4]),
      ...row('results.total', [4, 0, 0, 0, 0, 0, 5]),
      ...row('carried_forward', [2, 0, 0, 0, 0, 0, 2]),
    ];
    const t31 = find(cells, 'T3-1');
    expect(t31.map((f) => [f.status, f.cells[0]![2]])).toEqual([['fail', 'natural_person']]);
    expect(t31[0]).toMatchObject({ left: 7, right: 6, delta: 1 });
    expect(find(cells, 'T3-3').map((f) => [f.status, f.cells[0]![1]])).toEqual([['fail', 'results.total']]);
  });
  it('T3-5: a negative or fractional count fails; T2-1 allows a signed change and a decimal amount', () => {
    expect(find([cell('table3', 'new_received', 'total', '-1')], 'T3-5')[0]).toMatchObject({ status: 'fail' });
    expect(find([cell('table3', 'new_received', 'total', '1.5')], 'T3-5')[0]).toMatchObject({ status: 'fail' });
    expect(
      find([cell('table2', 'licensing', 'change', '-3'), cell('table2', 'fees', 'amount', '12.5')], 'T2-1'),
    ).toEqual([]);
    expect(find([cell('table2', 'licensing', 'decisions', '-3')], 'T2-1')[0]).toMatchObject({ status: 'fail' });
  });
});
