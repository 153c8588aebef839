// The round-trip check for media where blank cells may vanish (PDF, OFD, DOC text): blanks may come
// back as blanks or be left out, never as numbers; every printed value comes back (with its page and
// box where the medium has positions).
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { parseValue } from '../../src/extract/value.ts';
import type { ReportRecord } from '../../src/record.ts';
import type { FixtureReport } from '../../src/demo/layout.ts';

export function expectPositionedRoundTrip(
  r: FixtureReport,
  rec: ReportRecord,
  opts: { positions?: boolean } = {},
): void {
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
    if (opts.positions === false) continue;
    expect(cell!.source.page).toBeGreaterThan(0);
    expect(cell!.source.bbox).not.toBeNull();
  }
  for (const key of got.keys()) expect(r.cells.has(key), `extra ${key}`).toBe(true);
}

/** Whether a command-line tool the fixtures need is installed. */
export function hasCommand(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
