// The real corpus as a ratchet: per report, the extractor may not get fewer cells right than the
// level recorded in baseline.json, and silent errors must stay at zero. Skips when ../shared is absent (fails under CI=true).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCorpus, totals } from '../../src/eval/evaluate.ts';
import { needs } from '../helpers/needs.ts';

const CORPUS = path.resolve(process.env.NIANBAO_CORPUS ?? '../shared/corpus');
const baseline = JSON.parse(readFileSync(new URL('./baseline.json', import.meta.url), 'utf8')) as Record<
  string,
  { right: number; rightNonZero: number; fullyRight: boolean }
>;
const present = needs(existsSync(CORPUS), `the corpus at ${CORPUS} (for the corpus ratchet)`);

describe.skipIf(!present)('corpus ratchet', () => {
  it('keeps every report at or above its recorded level, with no silent errors', async () => {
    const scores = await evaluateCorpus(CORPUS);
    const t = totals(scores);
    expect(t.silent, 'silent errors').toBe(0);
    expect(t.wrong, 'wrong cells').toBe(0);
    for (const s of scores) {
      const b = baseline[s.id];
      if (!b) continue;
      expect(s.right, `${s.id} cells right`).toBeGreaterThanOrEqual(b.right);
      expect(s.rightNonZero, `${s.id} non-zero cells right`).toBeGreaterThanOrEqual(b.rightNonZero);
      if (b.fullyRight) expect(s.fullyRight, `${s.id} fully right`).toBe(true);
    }
  }, 120_000);
});
