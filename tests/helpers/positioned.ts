// The round-trip check for positioned media (PDF, OFD): blank cells print nothing there, so they
// may come back as blanks or be left out, never as numbers; every printed value comes back.
import { expect } from 'vitest';
import { parseValue } from '../../src/extract/value.ts';
import type { ReportRecord } from '../../src/record.ts';
import type { FixtureReport } from '../../src/demo/layout.ts';

export function expectPositionedRoundTrip(r: FixtureReport, rec: ReportRecord): void {
  expect(rec.report).toMatchObject({ agency: r.agency, report_year: r.year });
  const got = new Map(rec.cells.map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
  for (const [key, raw] of r.cells) {
    const want = parseValue(raw);
    const cell = got.get(key);
    if (want.kind === 'blank') {
      if (cell) expect([cell.kind, cell.value], key).toEqual(['blank', null]);
      continue;
    }
    expect([cell?.kind, cell?.value], `${key} printed "${raw}"`).toEqual([want.kind, want.value]);
    expect(cell!.source.page).toBeGreaterThan(0);
    expect(cell!.source.bbox).not.toBeNull();
  }
  for (const key of got.keys()) expect(r.cells.has(key), `extra ${key}`).toBe(true);
}
