// T3-5, T4-2 and T2-1 take each column's value kind from the templates in parsers/: the rule has no
// list of its own, so a kind changed in the template data is the kind the rule checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ColumnSpec, columnKind, TEMPLATES, type ValueKind } from '../../parsers/index.ts';
import type { Cell, TableId } from '../../src/record.ts';
import { hardFindings } from '../../src/rules/hard.ts';

const TABLE_IDS = ['table2', 'table3', 'table4'] as const satisfies readonly TableId[];
const RULE: Record<TableId, string> = { table2: 'T2-1', table3: 'T3-5', table4: 'T4-2' };
const KINDS: readonly ValueKind[] = ['count', 'signed_count', 'amount'];

/** Every column of every version: [version, table, spec]. */
const COLUMNS = TEMPLATES.flatMap((t) =>
  TABLE_IDS.flatMap((table) => t[table].columns.map((spec) => [t.version, table, spec] as const)),
);

/** What the template kind admits, written out independently of the rule. */
const admits = (kind: ValueKind, v: number): boolean =>
  kind === 'amount' ? v >= 0 : kind === 'signed_count' ? Number.isInteger(v) : Number.isInteger(v) && v >= 0;

function ruleAccepts(table: TableId, col: string, v: number): boolean {
  const cell: Cell = {
    table,
    row: 'any_row',
    col,
    raw: String(v),
    kind: 'number',
    value: v,
    unit: null,
    source: { page: null, table_index: 0, row_index: 0, col_index: 0, line: null, bbox: null },
  };
  return !hardFindings({ cells: [cell] }).some((f) => f.rule === RULE[table] && f.status === 'fail');
}

// Non-negative and negative integers, and decimals of either sign: every kind accepts some and rejects some.
const values = fc.oneof(
  fc.integer({ min: -500, max: 500 }),
  fc.integer({ min: -5000, max: 5000 }).map((n) => n / 100),
);

/** Set the kind of (table, key) in every version, run `body`, then put the template data back. */
function withKind<T>(table: TableId, key: string, kind: ValueKind, body: () => T): T {
  const specs: ColumnSpec[] = TEMPLATES.flatMap((t) => t[table].columns.filter((c) => c.key === key));
  const before = specs.map((s) => s.kind);
  for (const s of specs) s.kind = kind;
  try {
    return body();
  } finally {
    specs.forEach((s, i) => {
      s.kind = before[i]!;
    });
  }
}

describe('value kinds come from the templates', () => {
  it('the versions agree on the kind of every column key they share (columnKind is version-free)', () => {
    for (const [version, table, spec] of COLUMNS)
      expect(columnKind(table, spec.key), `${version} ${table} ${spec.key}`).toBe(spec.kind);
  });

  it("the rule's notion of signed/decimal equals the template's, for every key of both versions (property)", () => {
    expect(COLUMNS.some(([, , s]) => s.kind === 'signed_count')).toBe(true);
    expect(COLUMNS.some(([, , s]) => s.kind === 'amount')).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...COLUMNS), values, ([, table, spec], v) => {
        expect(ruleAccepts(table, spec.key, v)).toBe(admits(spec.kind, v));
      }),
      { numRuns: 2000 },
    );
  });

  it('a kind changed in the template data is the kind the rule checks (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COLUMNS), fc.constantFrom(...KINDS), values, ([, table, spec], kind, v) => {
        const accepted = withKind(table, spec.key, kind, () => ruleAccepts(table, spec.key, v));
        expect(accepted).toBe(admits(kind, v));
      }),
      { numRuns: 2000 },
    );
    // and the data is back as it was
    expect(columnKind('table2', 'change')).toBe('signed_count');
    expect(columnKind('table3', 'total')).toBe('count');
  });

  it('concretely: making table 3 totals signed lets −3 pass T3-5; making table-2 amounts counts fails 1.5', () => {
    expect(ruleAccepts('table3', 'total', -3)).toBe(false);
    expect(withKind('table3', 'total', 'signed_count', () => ruleAccepts('table3', 'total', -3))).toBe(true);
    expect(ruleAccepts('table2', 'amount', 1.5)).toBe(true);
    expect(withKind('table2', 'amount', 'count', () => ruleAccepts('table2', 'amount', 1.5))).toBe(false);
  });
});
