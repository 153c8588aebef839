// OFD packages (GB/T 33190) read into the same record as every other medium.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractBytes } from '../../src/pipeline.ts';
import { parseValue } from '../../src/extract/value.ts';
import { fixtureReport } from '../render/arbitrary.ts';
import { renderOfd } from '../render/ofd.ts';

describe('OFD round trip', () => {
  it('every printed number comes back in its cell, with page and bbox', async () => {
    await fc.assert(fc.asyncProperty(fixtureReport({ allowBlank: true }), async (r) => {
      const rec = await extractBytes(renderOfd(r), { path: 'fixture.ofd' });
      expect(rec.source.media).toBe('ofd');
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
        expect(cell!.source.page).toBe(1);
      }
    }), { numRuns: Number(process.env.NIANBAO_RUNS ?? 25) });
  }, 60_000);
});
