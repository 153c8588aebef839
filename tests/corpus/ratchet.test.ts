// The real corpus as a ratchet: per report, the extractor may not get fewer cells right than the
// level recorded in baseline.json, and silent errors must stay at zero. The records scored are the
// ones `nianbao ingest` stored for the run's shared ingest of the corpus (tests/helpers/corpus-store.ts):
// the extractor's output as the pipeline keeps it, without extracting the corpus once more here.
// Skips when ../shared is absent (fails under CI=true).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parserVersion } from '../../parsers/index.ts';
import { evaluateCorpus, type ReadRecord, totals } from '../../src/eval/evaluate.ts';
import { sha256 } from '../../src/pipeline.ts';
import { openStore } from '../../src/store/open.ts';
import { CORPUS, corpusStoreCopy } from '../helpers/corpus-store.ts';
import { needs } from '../helpers/needs.ts';

const baseline = JSON.parse(readFileSync(new URL('./baseline.json', import.meta.url), 'utf8')) as Record<
  string,
  { right: number; rightNonZero: number; fullyRight: boolean }
>;
const present = needs(existsSync(CORPUS), `the corpus at ${CORPUS} (for the corpus ratchet)`);

describe.skipIf(!present)('corpus ratchet', () => {
  it('keeps every report at or above its recorded level, with no silent errors', async () => {
    const store = await openStore(await corpusStoreCopy('sqlite'));
    try {
      const version = parserVersion();
      const failures = new Map((await store.listFailures(version)).map((f) => [f.sha256, f.reason]));
      // A file's record is its stored run; a file that could not be read is scored with its reason.
      const stored: ReadRecord = async (bytes, file) => {
        const sha = sha256(bytes);
        const run = await store.findRun(sha, version);
        const record = run && (await store.runRecord(run.id));
        if (record) return record;
        throw new Error(failures.get(sha) ?? `${file}: not in the ingested store`);
      };
      const scores = await evaluateCorpus(CORPUS, stored);
      expect(scores.filter((s) => s.error?.endsWith('not in the ingested store'))).toEqual([]);
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
    } finally {
      await store.close();
    }
  }, 900_000);
});
