// OFD packages (GB/T 33190) read into the same record as every other medium.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractBytes } from '../../src/pipeline.ts';
import { fixtureReport } from '../render/arbitrary.ts';
import { renderOfd } from '../render/ofd.ts';
import { expectPositionedRoundTrip } from '../helpers/positioned.ts';

describe('OFD round trip', () => {
  it('every printed number comes back in its cell, with page and bbox', async () => {
    await fc.assert(
      fc.asyncProperty(fixtureReport({ allowBlank: true }), async (r) => {
        const rec = await extractBytes(renderOfd(r), { path: 'fixture.ofd' });
        expect(rec.source.media).toBe('ofd');
        expectPositionedRoundTrip(r, rec);
      }),
      { numRuns: Number(process.env.NIANBAO_RUNS ?? 25) },
    );
  }, 60_000);
});
