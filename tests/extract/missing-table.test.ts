// Every unread table is a review item: E-TABLE says why (not printed / printed but unreadable /
// printed as an image) and who is likely at fault; damaged copies keep their complete rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutKeys, type FixtureReport } from '../../src/demo/layout.ts';
import { renderDump, renderHtml } from '../../src/demo/render.ts';
import { extractTextBytes } from '../../src/pipeline.ts';
import type { ReportRecord, TableId } from '../../src/record.ts';
import { expectedValue, fixtureRows } from '../helpers/expected.ts';
import { fixtureReport } from '../render/arbitrary.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);
const eTable = (rec: ReportRecord, t: TableId) =>
  rec.findings.filter((f) => f.rule === 'E-TABLE' && f.detail?.table === t);

function report(version: 'v2019' | 'v2021'): FixtureReport {
  const cells = new Map(layoutKeys(version).map((k, i) => [k, String((i * 7) % 5)]));
  return { version, agency: '莆田市审计局', year: version === 'v2019' ? 2019 : 2023, cells };
}

/** The HTML rendering with its n-th table (0 = table 2) replaced by `by`. */
function replaceTable(r: FixtureReport, n: number, by: (table: string) => string): string {
  let k = -1;
  return decode(renderHtml(r)).replace(/<table[\s\S]*?<\/table>/g, (t) => (++k === n ? by(t) : t));
}

describe('E-TABLE: an unread table reaches the review queue', () => {
  it('a table left out of the copy: not printed, the publisher is blamed', () => {
    const rec = extractTextBytes(utf8(replaceTable(report('v2021'), 2, () => '')), { path: 'x.html' });
    expect(rec.report.tables_missing).toEqual(['table4']);
    const [f] = eTable(rec, 'table4');
    expect(f).toMatchObject({ level: 'hard', status: 'not_assessable', blame: 'publisher' });
    expect(f!.detail?.reason).toBe('not_printed');
    expect(f!.message).toContain('未刊印');
    expect(rec.warnings).toContain('table4: not found in the document');
    expect(eTable(rec, 'table2')).toEqual([]);
  });

  it('a table printed as a picture: image, extraction is blamed', () => {
    const html = replaceTable(report('v2021'), 1, () => '<p><img src="t3.png" width="640" height="480"></p>');
    const rec = extractTextBytes(utf8(html), { path: 'x.html' });
    expect(rec.report.tables_missing).toEqual(['table3']);
    const [f] = eTable(rec, 'table3');
    expect(f).toMatchObject({ blame: 'extraction', detail: { reason: 'image' } });
    expect(rec.warnings.some((w) => w.startsWith('table3: printed as an image'))).toBe(true);
    // An icon is not a table.
    const icon = replaceTable(report('v2021'), 1, () => '<p><img src="i.gif" width="16" height="16"></p>');
    expect(eTable(extractTextBytes(utf8(icon), { path: 'x.html' }), 'table3')[0]?.detail?.reason).toBe('not_printed');
  });

  it('a table whose header is printed but whose rows cannot be read: unreadable, rows named, version kept', () => {
    for (const version of ['v2019', 'v2021'] as const) {
      // Every value row of table 2 loses its last cell (a copy that dropped them).
      const html = replaceTable(report(version), 0, (t) =>
        t.replace(
          /<tr>(<td><p[^>]*><span[^>]*>(?:规章|规范性文件|行政规范性文件|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购)<\/span><\/p><\/td>.*?)<td[^>]*><p[^>]*><span[^>]*>[^<]*<\/span><\/p><\/td><\/tr>/g,
          '<tr>$1</tr>',
        ),
      );
      const rec = extractTextBytes(utf8(html), { path: 'x.html' });
      const fs = eTable(rec, 'table2');
      // v2021 rows with one value lose it entirely; others are short: all unreadable.
      expect(rec.report.tables_missing).toContain('table2');
      expect(fs).toHaveLength(1);
      expect(fs[0]).toMatchObject({ blame: 'extraction', detail: { reason: 'unreadable' } });
      expect(fs[0]!.detail?.failed_rows).toContain('规章');
      expect(fs[0]!.message).toContain('规章');
      expect(rec.report.format_version.table2).toBe(version);
      expect(rec.warnings.some((w) => w.startsWith('table2: found but unreadable'))).toBe(true);
    }
  });

  it('a scan that could not be read: all three tables, each as an image', () => {
    const rec = extractTextBytes(utf8('莆田市审计局2019年政府信息公开工作年度报告\n\n'), { path: 'x.txt' });
    expect(rec.report.kind).toBe('ogi_annual_report');
    for (const t of ['table2', 'table3', 'table4'] as const) expect(eTable(rec, t)).toHaveLength(1);
  });
});

/** A crawler dump whose runs of equal lines collapsed into one (a common dedup in scrapers). */
const collapse = (text: string) =>
  text
    .split('\n')
    .filter((l, i, a) => i === 0 || l !== a[i - 1])
    .join('\n');

describe('damaged dumps keep what is certain', () => {
  it('most rows collapsed: the one complete row is kept and flagged, the others named by E-ROW', () => {
    const r = report('v2019');
    for (const k of r.cells.keys()) r.cells.set(k, '0');
    const licensing = { prev_items: '5', change: '+2', decisions: '7' };
    for (const [c, v] of Object.entries(licensing)) r.cells.set(`table2|licensing|${c}`, v);
    const rec = extractTextBytes(utf8(collapse(renderDump(r))), { path: 'dump.txt' });
    const t2 = rec.cells.filter((c) => c.table === 'table2');
    expect(Object.fromEntries(t2.map((c) => [`${c.row}|${c.col}`, c.value]))).toEqual({
      'licensing|prev_items': 5,
      'licensing|change': 2,
      'licensing|decisions': 7,
    });
    expect(rec.report.tables_missing).not.toContain('table2');
    const eRow = rec.findings.find((f) => f.rule === 'E-ROW' && f.cells[0]?.[0] === 'table2');
    expect(eRow?.status).toBe('not_assessable');
    expect(new Set(eRow!.cells.map(([, row]) => row))).toEqual(
      new Set(['regulations', 'normative_documents', 'other_services', 'penalty', 'compulsion', 'fees', 'procurement']),
    );
  });

  it('a row with too many values means values may have moved: nothing of that table is kept', () => {
    const r = report('v2019');
    for (const k of r.cells.keys()) r.cells.set(k, '0');
    r.cells.set('table2|licensing|decisions', '7');
    // One row carries a value too many (values from elsewhere), the rest collapsed (too few).
    const text = collapse(renderDump(r)).replace('\n行政处罚\n0\n', '\n行政处罚\n0\n3\n4\n5\n');
    const rec = extractTextBytes(utf8(text), { path: 'dump.txt' });
    expect(rec.cells.filter((c) => c.table === 'table2')).toEqual([]);
    expect(eTable(rec, 'table2')[0]?.detail?.reason).toBe('unreadable');
  });

  it('collapsed runs: no wrong value; complete rows kept, the others named, every unread table queued', () => {
    fc.assert(
      fc.property(fixtureReport({ allowBlank: false }), (r) => {
        const text = collapse(renderDump(r));
        const rec = extractTextBytes(utf8(text), { path: 'dump.txt' });
        for (const c of rec.cells) {
          const printed = r.cells.get(`${c.table}|${c.row}|${c.col}`);
          expect(printed, `spurious ${c.table}|${c.row}|${c.col}`).toBeDefined();
          expect(c.value, `${c.table}|${c.row}|${c.col} printed "${printed}"`).toBe(expectedValue(printed!));
        }
        for (const t of rec.report.tables_missing) expect(eTable(rec, t)).toHaveLength(1);
        // A table 2 or 3 row with no two equal neighbouring values survived intact: it is kept.
        for (const [key, cols] of fixtureRows(r.cells)) {
          const [t, row] = key.split('|') as [TableId, string];
          if (t === 'table4' || rec.report.tables_missing.includes(t)) continue;
          const intact = cols.every(([, v], i) => i === 0 || v !== cols[i - 1]![1]);
          const read = rec.cells.filter((c) => c.table === t && c.row === row).length;
          if (intact) expect(read, `complete row ${key}`).toBe(cols.length);
          else if (read === 0)
            expect(
              rec.findings.some((f) => f.rule === 'E-ROW' && f.cells.some(([ft, fr]) => ft === t && fr === row)),
              `damaged row ${key} named`,
            ).toBe(true);
        }
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 40) },
    );
  });
});
