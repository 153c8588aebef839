// A glued cell's provenance is the line its digit run was printed on: a reviewer sent to
// `source.line` must find that row's digits there, not the first long number of the document.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutTable2, layoutTable3, layoutTable4, PLAIN, type LTable } from '../../src/demo/layout.ts';
import { renderDump } from '../../src/demo/render.ts';
import { extractTextBytes } from '../../src/pipeline.ts';
import { consistentReport } from '../render/arbitrary.ts';

/** Printed before the tables: the document's first paragraph with six or more digits. */
const CONTACT = '联系电话：0594-2695432，邮政编码351100。';

interface GluedFixture {
  text: string;
  /** `table|row` → the 1-based line its label and digits were printed on. */
  lineOf: Map<string, number>;
  contactLine: number;
}

/**
 * The dump with each table row on one line and no separators inside it (a crawler's textContent of
 * every <tr>), and a contact line with a long number in the overview. Built from the report's
 * layout, so where each row went is known here, independently of the reader.
 */
function gluedRows(r: Parameters<typeof renderDump>[0]): GluedFixture {
  const dump = renderDump(r, PLAIN).split('\n');
  const cut = (head: string) => dump.findIndex((l) => l.startsWith(head));
  const lines = dump.slice(0, cut('二、主动公开'));
  lines.splice(lines.indexOf('一、总体情况') + 1, 0, CONTACT);
  const lineOf = new Map<string, number>();
  const put = (t: LTable) => {
    for (const row of t) {
      lines.push(row.map((c) => c.text).join(''));
      const key = row.find((c) => c.key)?.key;
      if (key && !row.some((c) => c.key?.startsWith('table4|')))
        lineOf.set(key.split('|').slice(0, 2).join('|'), lines.length);
    }
  };
  lines.push(dump[cut('二、主动公开')]!);
  put(layoutTable2(r, PLAIN));
  lines.push(dump[cut('三、收到')]!);
  put(layoutTable3(r, PLAIN));
  lines.push(dump[cut('四、政府信息公开行政复议')]!);
  put(layoutTable4(r, PLAIN));
  lines.push(...dump.slice(cut('五、')));
  return { text: lines.join('\n'), lineOf, contactLine: lines.indexOf(CONTACT) + 1 };
}

const extract = (text: string) => extractTextBytes(new TextEncoder().encode(text), { path: 'glued.txt' });

describe('glued cells point at the line their digits came from', () => {
  it('row by row: every glued cell names its own row line, never the first long number (property)', () => {
    let read = 0;
    fc.assert(
      fc.property(consistentReport(), (r) => {
        const f = gluedRows(r);
        const lines = f.text.split('\n');
        // The fixture does what it claims: the contact line is the first with six or more digits.
        expect(lines.findIndex((l) => /\d{6,}/.test(l)) + 1).toBe(f.contactLine);
        const rec = extract(f.text);
        for (const c of rec.cells) {
          expect(c.source.resolved_by).toBe('glued_digits');
          const want = f.lineOf.get(`${c.table}|${c.row}`);
          expect(c.source.line, `${c.table}/${c.row}/${c.col}`).toBe(want);
          expect(c.source.line).not.toBe(f.contactLine);
        }
        read += rec.cells.filter((c) => c.table === 'table3').length;
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 25) },
    );
    expect(read).toBeGreaterThan(0);
  });

  it('a fixed report: table 3 rows land on lines far apart, each on its own', () => {
    const [r] = fc.sample(consistentReport(), { numRuns: 1, seed: 7 });
    const f = gluedRows(r!);
    const rec = extract(f.text);
    const t3 = rec.cells.filter((c) => c.table === 'table3');
    expect(t3.length).toBeGreaterThanOrEqual(7);
    const lines = f.text.split('\n');
    for (const c of t3) {
      const printed = lines[c.source.line! - 1]!;
      // the line holds this row's seven printed values, glued in column order
      expect(
        printed.endsWith(
          t3
            .filter((x) => x.row === c.row)
            .map((x) => x.raw)
            .join(''),
        ),
      ).toBe(true);
    }
    expect(new Set(t3.map((c) => c.source.line)).size).toBe(new Set(t3.map((c) => c.row)).size);
  });

  it('a whole glued section: every cell names the section line, not the contact line before it', () => {
    const [r] = fc.sample(consistentReport(), { numRuns: 1, seed: 11 });
    const lines = renderDump(r!, PLAIN).split('\n');
    lines.splice(lines.indexOf('一、总体情况') + 1, 0, CONTACT);
    const start = lines.findIndex((l) => l.startsWith('二、主动公开'));
    const end = lines.findIndex((l) => l.startsWith('五、'));
    const glued = [...lines.slice(0, start), lines.slice(start, end).join(''), ...lines.slice(end)];
    const rec = extract(glued.join('\n'));
    expect(rec.cells.length).toBeGreaterThan(0);
    expect(rec.cells.some((c) => c.table === 'table4')).toBe(true);
    for (const c of rec.cells) expect(c.source.line, `${c.table}/${c.row}/${c.col}`).toBe(start + 1);
  });
});
