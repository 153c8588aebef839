// Formats are data: every column a template's rows fill is declared with a header pattern and a
// value kind, and the years each version covers decide the fallback version.
import { describe, expect, it } from 'vitest';
import { columnKind, TEMPLATES, versionForYear } from '../../parsers/index.ts';

describe('templates', () => {
  it('every row column is a declared column with a header pattern', () => {
    for (const t of TEMPLATES)
      for (const table of ['table2', 'table3', 'table4'] as const) {
        const declared = new Set(t[table].columns.map((c) => c.key));
        for (const r of t[table].rows)
          for (const c of r.cols ?? []) expect(declared.has(c), `${t.version} ${table} ${c}`).toBe(true);
      }
  });
  it('the header patterns name the official headers', () => {
    const v2019 = TEMPLATES.find((t) => t.version === 'v2019')!;
    const head = (key: string) => v2019.table2.columns.find((c) => c.key === key)!.header;
    expect(head('change').test('本年增/减')).toBe(true);
    expect(head('amount').test('采购总金额')).toBe(true);
    expect(head('prev_items').test('本年新制作数量')).toBe(false);
  });
  it('value kinds: signed changes and amounts', () => {
    expect(columnKind('table2', 'change')).toBe('signed_count');
    expect(columnKind('table2', 'amount')).toBe('amount');
    expect(columnKind('table3', 'total')).toBe('count');
  });
  it('years: 2019–2020 → v2019, 2021 on → v2021, before 2019 none', () => {
    expect([2018, 2019, 2020, 2021, 2030].map(versionForYear)).toEqual([null, 'v2019', 'v2019', 'v2021', 'v2021']);
    expect(versionForYear(null)).toBeNull();
  });
});
