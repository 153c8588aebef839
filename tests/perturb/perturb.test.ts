// Generalisation, not tuning: the project's own renderings perturbed the ways real copies differ
// (../shared/spec/report-format.md, "Real-world variation to survive"). Expected values always come
// from the generator (tests/helpers/expected.ts), never from the code under test. Each class was
// checked once to fail with its handling disabled (noted per test).
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { PLAIN, type FixtureReport, type Variation } from '../../src/demo/layout.ts';
import { renderDump, renderHtml, renderTabText } from '../../src/demo/render.ts';
import { extractTextBytes } from '../../src/pipeline.ts';
import type { ReportRecord } from '../../src/record.ts';
import { expectedValue } from '../helpers/expected.ts';
import { consistentReport, fixtureReport } from '../render/arbitrary.ts';

const RUNS = Number(process.env.NIANBAO_RUNS ?? 25);
const utf8 = (s: string) => new TextEncoder().encode(s);
const html = (r: FixtureReport, v: Variation) => extractTextBytes(renderHtml(r, v), { path: 'p.html' });

/** Every printed cell back with the generator's value; nothing invented; agency and year right. */
function expectAll(r: FixtureReport, rec: ReportRecord, unit: (raw: string) => string = (s) => s) {
  expect(rec.report).toMatchObject({ kind: 'ogi_annual_report', agency: r.agency, report_year: r.year });
  const got = new Map(rec.cells.map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
  for (const [key, printed] of r.cells) {
    const want = expectedValue(unit(printed));
    const c = got.get(key);
    if (want === null) expect(c?.value ?? null, key).toBeNull();
    else expect(c?.value, `${key} printed "${printed}"`).toBe(want);
  }
  for (const key of got.keys()) expect(r.cells.has(key), `invented ${key}`).toBe(true);
  // Every label is printed: each row must be known by its label, not placed by form order.
  for (const c of rec.cells) expect(c.source.resolved_by, `${c.row} placed by order`).not.toBe('row_order');
}

const relabel =
  (pairs: Array<[string | RegExp, string]>) =>
  (s: string): string =>
    pairs.reduce((a, [from, to]) => a.replace(from, to), s);

describe('perturbations of the official layout', () => {
  // Disabled check: TYPO_FIXES emptied and the typo labels removed from parsers/ogi-common.ts → fails.
  it('typos the spec lists (本机不掌握, 上年转结, 结转下一年度)', () => {
    const v = {
      ...PLAIN,
      relabel: relabel([
        ['本机关不掌握相关政府信息', '本机不掌握相关政府信息'],
        ['上年结转', '上年转结'],
        ['结转下年度', '结转下一年度'],
      ]),
    };
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), (r) => expectAll(r, html(r, v))),
      { numRuns: RUNS },
    );
  });

  it('old wordings in new tables (规范性文件 in a v2021 table 2)', () => {
    const v = { ...PLAIN, relabel: relabel([[/^行政规范性文件$/, '规范性文件']]) };
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), (r) => expectAll(r, html(r, v))),
      { numRuns: RUNS },
    );
  });

  // Disabled check: matchRow accepting only labels that end the label text → fails.
  it('notes in labels and headers (（件）, （含备案）, (指…年事项数))', () => {
    const v = {
      ...PLAIN,
      relabel: relabel([
        [/^行政许可$/, '行政许可（件）'],
        [/^(行政)?规范性文件$/, '$1规范性文件（含备案）'],
        [/^行政处罚$/, '行政处罚（次）'],
        [/^上一年项目数量$/, '上一年项目数量（指上年事项数）'],
      ]),
    };
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), (r) => expectAll(r, html(r, v))),
      { numRuns: RUNS },
    );
  });

  // Disabled check: .normalize('NFKC') removed from normalizeLabel → fails.
  it('ASCII brackets, and both kinds mixed in one document, in HTML and in tab text', () => {
    const v = { ...PLAIN, fullWidthBrackets: false };
    // Some labels keep their full-width brackets: （七）总计, （一）予以公开, 第二十条第（一）项.
    const mixed = (s: string) => s.replaceAll('(七)', '（七）').replaceAll('(一)', '（一）');
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), (r) => {
        expectAll(r, html(r, v));
        const page = mixed(new TextDecoder().decode(renderHtml(r, v)));
        expect(page).toContain('（七）');
        expect(page).toContain('(二)');
        expectAll(r, extractTextBytes(utf8(page), { path: 'm.html' }));
        expectAll(r, extractTextBytes(utf8(mixed(renderTabText(r, v))), { path: 't.txt' }));
      }),
      { numRuns: RUNS },
    );
  });

  // Disabled check: whitespace kept in normalizeLabel → fails.
  it('spaced labels and headers ("结果 维持"), and headers and labels wrapped over lines in a dump', () => {
    const v = { ...PLAIN, spacesInLabels: true };
    fc.assert(
      fc.property(fixtureReport({ allowBlank: false }), (r) => {
        expectAll(r, html(r, v));
        expectAll(r, extractTextBytes(utf8(renderDump(r, v, { splitLabels: true })), { path: 'd.txt' }));
      }),
      { numRuns: RUNS },
    );
  });

  // Disabled check: simplifiedText made the identity (metadata) → the agency comes back traditional.
  it('traditional characters everywhere: labels, title, byline, units (萬元)', () => {
    const toTw = OpenCC.Converter({ from: 'cn', to: 'tw' });
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), (r) => {
        // Amounts printed with their unit in traditional characters.
        const printed = new Map(
          [...r.cells].map(([k, raw]) => [k, k.endsWith('|amount') && /^\d/.test(raw) ? `${raw}萬元` : raw]),
        );
        const page = toTw(
          new TextDecoder().decode(renderHtml({ ...r, cells: printed }, { ...PLAIN, traditional: true })),
        );
        expect(page).toContain('年度報告');
        const rec = extractTextBytes(utf8(page), { path: 'tw.html' });
        expectAll({ ...r, cells: printed }, rec, (s) => s.replace(/萬元$/, ''));
        for (const c of rec.cells) if (c.col === 'amount' && c.kind === 'number') expect(c.unit).toBe('万元');
      }),
      { numRuns: RUNS },
    );
  });

  // Disabled check: WRAPPED_BYLINE join in findTitle and the 特向社会公布 body reading removed → fails.
  it('wrapped titles ("…特向社会公布X" / "2019年…年度报告"): the agency, never a fragment', () => {
    fc.assert(
      fc.property(fixtureReport({ allowBlank: true }), fc.boolean(), (r, yearWrapped) => {
        const title = `${r.agency}${r.year}年政府信息公开工作年度报告`;
        const [head, tail] = yearWrapped
          ? [`${r.agency}${r.year}`, '年政府信息公开工作年度报告']
          : [r.agency, `${r.year}年政府信息公开工作年度报告`];
        const page = new TextDecoder()
          .decode(renderHtml(r))
          .replace(`<title>${title}_${r.agency}</title>`, '<title>政府信息公开年报</title>')
          .replace(
            `<h1>${title}</h1>`,
            `<p>根据《中华人民共和国政府信息公开条例》规定，特向社会公布${head}</p><p>${tail}</p>`,
          )
          .replaceAll(`<span>来源：${r.agency}</span>`, '')
          .replace(`<p style="text-align:right">${r.agency}</p>`, '');
        expect(page.includes(title)).toBe(false);
        expectAll(r, extractTextBytes(utf8(page), { path: 'w.html' }));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('sums: readings that rest on them, and tables whose sums do not hold', () => {
  /** Tab text with one table-3 row printed with a value twice (a stray repeat). */
  const withRepeat = (r: FixtureReport, row: string) =>
    renderTabText(r)
      .split('\n')
      .map((l) => (l.includes(row) ? l.replace(/\t(\d+)(\t|$)/, '\t$1\t$1$2') : l))
      .join('\n');

  /**
   * The generator's side of the row-sum reading: the distinct 7-value readings of the 8 printed
   * values (one cell doubled) whose parts sum to the total.
   */
  const sumReadings = (printed: number[]): string[] => {
    const out = new Set<string>();
    for (let d = 0; d < printed.length; d++) {
      // Only a doubled cell may be the extra one.
      if (printed[d] !== printed[d - 1] && printed[d] !== printed[d + 1]) continue;
      const v = printed.filter((_, i) => i !== d);
      if (v.slice(0, 6).reduce((a, b) => a + b, 0) === v[6]) out.add(v.join(','));
    }
    return [...out];
  };
  const ROW = 'results.granted';
  const COLS = [
    'natural_person',
    'legal.commercial',
    'legal.research',
    'legal.social_welfare',
    'legal.legal_services',
    'legal.other',
    'total',
  ];
  const printedRow = (r: FixtureReport) => {
    const v = COLS.map((c) => Number(r.cells.get(`table3|${ROW}|${c}`)));
    return [v[0]!, ...v];
  };
  const cellFlagged = (rec: ReportRecord, t: string, row: string, col: string) =>
    rec.findings.some((f) => f.status !== 'pass' && f.cells.some((x) => x.join('|') === `${t}|${row}|${col}`));

  // Disabled check: resolveSurplus returning null → the unambiguous repeated rows are not read.
  it('sums hold: a row with a value too many is read by the row sum when only one reading fits, said out loud', () => {
    let resolved = 0;
    fc.assert(
      fc.property(consistentReport(), (r) => {
        const rec = extractTextBytes(utf8(withRepeat(r, '（一）予以公开')), { path: 's.txt' });
        const granted = rec.cells.filter((c) => c.table === 'table3' && c.row === ROW);
        const readings = sumReadings(printedRow(r));
        if (readings.length === 1) {
          resolved++;
          expectAll(r, rec);
          expect(granted.length).toBe(7);
          expect(granted.every((c) => c.source.resolved_by === 'row_sum')).toBe(true);
          expect(rec.findings.filter((f) => f.status === 'fail')).toEqual([]);
        } else {
          // Several readings fit: none is chosen, the row is named for a person.
          expect(granted).toEqual([]);
          expect(rec.findings.some((f) => f.rule === 'E-ROW' && f.cells.some(([, row]) => row === ROW))).toBe(true);
        }
      }),
      { numRuns: RUNS * 2 },
    );
    expect(resolved).toBeGreaterThan(0);
  });

  it('sums broken by the publisher: values kept as printed, the failure blamed on the publisher', () => {
    fc.assert(
      fc.property(consistentReport(), fc.integer({ min: 1, max: 9 }), (r, d) => {
        const key = `table3|${ROW}|total`;
        const broken = new Map(r.cells).set(key, String(Number(r.cells.get(key)) + d));
        const rr = { ...r, cells: broken };
        const rec = html(rr, PLAIN);
        expectAll(rr, rec);
        const fails = rec.findings.filter((f) => f.status === 'fail');
        expect(fails.length).toBeGreaterThan(0);
        expect(fails.every((f) => f.blame === 'publisher')).toBe(true);
        expect(fails.some((f) => f.cells.some((c) => c.join('|') === key))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('sums broken and a value too many: a reading the broken sum picks is never silent', () => {
    fc.assert(
      fc.property(consistentReport(), fc.integer({ min: 1, max: 9 }), (r, d) => {
        const key = `table3|${ROW}|total`;
        const broken = new Map(r.cells).set(key, String(Number(r.cells.get(key)) + d));
        const rr = { ...r, cells: broken };
        const rec = extractTextBytes(utf8(withRepeat(rr, '（一）予以公开')), { path: 's.txt' });
        for (const c of rec.cells) {
          const want = expectedValue(rr.cells.get(`${c.table}|${c.row}|${c.col}`)!);
          if (c.value !== want) {
            expect(c.source.resolved_by, `${c.row}|${c.col}`).toBe('row_sum');
            expect(cellFlagged(rec, c.table, c.row, c.col), `wrong ${c.row}|${c.col} unflagged`).toBe(true);
          }
        }
        if (sumReadings(printedRow(rr)).length !== 1) expect(rec.cells.some((c) => c.row === ROW)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});
