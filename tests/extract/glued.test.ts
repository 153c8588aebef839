// Copies whose cells ran together (a crawler's textContent of the tables): only values that split
// one way are read, and every one is flagged with E-GLUE. A split is proven by the row's sums, so it
// is right whenever the printed row itself adds up; a row that does not add up (a publisher's slip)
// can mislead the proof, which is why every glued value goes to a person.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDump } from '../../src/demo/render.ts';
import { PLAIN } from '../../src/demo/layout.ts';
import { extractTextBytes } from '../../src/pipeline.ts';
import { parseValue } from '../../src/extract/value.ts';
import { fixtureReport } from '../render/arbitrary.ts';

/** The dump with the table lines run together, as textContent does: no separators at all. */
function glue(dump: string): string {
  const lines = dump.split('\n');
  const start = lines.findIndex((l) => l.startsWith('二、主动公开'));
  const end = lines.findIndex((l) => l.startsWith('五、'));
  return [...lines.slice(0, start), lines.slice(start, end).join(''), ...lines.slice(end)].join('\n');
}

describe('glued copies', () => {
  it('never emit a wrong value, and flag every value they do emit', () => {
    let read = 0;
    fc.assert(
      fc.property(fixtureReport({ allowBlank: false }), (r) => {
        const rec = extractTextBytes(new TextEncoder().encode(glue(renderDump(r, PLAIN))), { path: 'glued.txt' });
        const rowAddsUp = (table: string, row: string) => {
          const v = (col: string) => parseValue(r.cells.get(`${table}|${row}|${col}`) ?? '').value ?? NaN;
          if (table === 'table3')
            return (
              [
                'natural_person',
                'legal.commercial',
                'legal.research',
                'legal.social_welfare',
                'legal.legal_services',
                'legal.other',
              ].reduce((a, c) => a + v(c), 0) === v('total')
            );
          if (table === 'table4')
            return ['review', 'litigation_direct', 'litigation_after_review'].every(
              (rw) =>
                ['upheld', 'corrected', 'other', 'pending'].reduce(
                  (a, c) => a + (parseValue(r.cells.get(`table4|${rw}|${c}`) ?? '').value ?? NaN),
                  0,
                ) === (parseValue(r.cells.get(`table4|${rw}|total`) ?? '').value ?? NaN),
            );
          return true;
        };
        for (const c of rec.cells) {
          const printed = r.cells.get(`${c.table}|${c.row}|${c.col}`);
          expect(printed, `${c.table}/${c.row}/${c.col}`).toBeDefined();
          expect(c.source.resolved_by).toBe('glued_digits');
          if (rowAddsUp(c.table, c.row) || c.table === 'table2')
            expect(c.value, `${c.table}/${c.row}/${c.col} printed "${printed}"`).toBe(parseValue(printed!).value);
        }
        const flagged = new Set(
          rec.findings.filter((f) => f.rule === 'E-GLUE').flatMap((f) => f.cells.map((x) => x.join('|'))),
        );
        for (const c of rec.cells) expect(flagged.has(`${c.table}|${c.row}|${c.col}`)).toBe(true);
        read += rec.cells.length;
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 60) },
    );
    expect(read).toBeGreaterThan(0);
  });
});
