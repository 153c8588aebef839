// X-COPY and the copy ranking on hand-built records: which cells conflict, who is likely at fault,
// and which copy is current — never the order the copies arrived in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestCopy, copyRank } from '../../src/ingest/copies.ts';
import type { ReportRecord } from '../../src/record.ts';
import { copyConflicts } from '../../src/rules/copies.ts';
import type { StoredCopy } from '../../src/store/store.ts';
import { record } from '../helpers/records.ts';

const KEYS = ['new_received', 'carried_over', 'results.granted', 'carried_forward'].flatMap((r) =>
  ['natural_person', 'legal.commercial', 'total'].map((c) => `table3|${r}|${c}`),
);

function copy(values: Record<string, string>, opts: { sha: string; path: string; ocr?: boolean }): ReportRecord {
  const r = record({ cells: values });
  return {
    ...r,
    source: { ...r.source, sha256: opts.sha.repeat(64), path: opts.path },
    cells: r.cells.map((c) => ({ ...c, source: { ...c.source, ...(opts.ocr ? { ocr: true, confidence: 0.9 } : {}) } })),
  };
}
const values = fc.array(fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.constant('')), {
  minLength: KEYS.length,
  maxLength: KEYS.length,
});

describe('copyConflicts', () => {
  it('names exactly the cells whose values differ (blank and 0 are the same statement)', () => {
    fc.assert(
      fc.property(values, fc.array(fc.nat(KEYS.length - 1)), fc.integer({ min: 1, max: 50 }), (vs, changed, step) => {
        const mine = Object.fromEntries(KEYS.map((k, i) => [k, vs[i]!]));
        const theirs = { ...mine };
        for (const i of changed) theirs[KEYS[i]!] = String(Number(mine[KEYS[i]!] || 0) + step);
        const f = copyConflicts(copy(mine, { sha: 'a', path: 'page.html' }), [
          copy(theirs, { sha: 'b', path: 'report.docx' }),
        ]);
        const expected = [...new Set(changed)].map((i) => KEYS[i]!).sort();
        expect(f.flatMap((x) => x.cells.map((c) => c.join('|'))).sort()).toEqual(expected);
        for (const x of f) {
          expect(x).toMatchObject({ rule: 'X-COPY', level: 'hard', status: 'fail', blame: 'unknown' });
          expect(x.message).toContain('page.html');
          expect(x.message).toContain('report.docx');
        }
      }),
    );
    expect(
      copyConflicts(copy({ 'table3|new_received|total': '' }, { sha: 'a', path: 'a' }), [
        copy({ 'table3|new_received|total': '0' }, { sha: 'b', path: 'b' }),
      ]),
    ).toEqual([]);
  });

  it('an OCR value against a text reading is likely the OCR; two OCR readings are left to E-OCR', () => {
    const text = copy({ 'table3|new_received|total': '18' }, { sha: 'a', path: 'page.html' });
    const ocr = copy({ 'table3|new_received|total': '10' }, { sha: 'b', path: 'scan.pdf', ocr: true });
    expect(copyConflicts(text, [ocr])).toMatchObject([{ blame: 'extraction', left: 18, right: 10, delta: 8 }]);
    const ocr2 = copy({ 'table3|new_received|total': '16' }, { sha: 'c', path: 'scan2.pdf', ocr: true });
    expect(copyConflicts(ocr, [ocr2])).toEqual([]);
  });
});

describe('the copy ranking', () => {
  const text = copy(Object.fromEntries(KEYS.map((k) => [k, '1'])), { sha: 'c', path: 'page.html' });
  const ocr = copy(Object.fromEntries(KEYS.map((k) => [k, '1'])), { sha: 'a', path: 'scan.pdf', ocr: true });
  const empty = copy({}, { sha: '0', path: 'wrapper.html' });
  const damaged: ReportRecord = {
    ...copy(Object.fromEntries(KEYS.map((k) => [k, '1'])), { sha: 'b', path: 'report.pdf' }),
    findings: [
      {
        rule: 'E-ROW',
        level: 'hard',
        status: 'not_assessable',
        cells: [],
        left: null,
        right: null,
        delta: null,
        blame: 'extraction',
        message: '行未读出',
      },
    ],
  };
  const stored = (r: ReportRecord, i: number): StoredCopy => ({
    runId: i,
    sha256: r.source.sha256,
    agencySource: null,
    record: r,
  });

  it('text over damaged text over OCR over a reading without cells, in every arrival order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([text, ocr, empty, damaged], { minLength: 4, maxLength: 4 }), (order) => {
        expect(bestCopy(order.map(stored))!.record).toBe(text);
        expect(bestCopy(order.filter((r) => r !== text).map(stored))!.record).toBe(damaged);
        expect(bestCopy(order.filter((r) => r === ocr || r === empty).map(stored))!.record).toBe(ocr);
      }),
    );
  });

  it('a publisher inconsistency does not count against a copy; equal copies are ordered by content', () => {
    const inconsistent: ReportRecord = {
      ...text,
      source: { ...text.source, sha256: 'd'.repeat(64) },
      findings: [{ ...damaged.findings[0]!, rule: 'T3-3', status: 'fail', blame: 'publisher' }],
    };
    expect(copyRank(inconsistent).slice(0, 4)).toEqual(copyRank(text).slice(0, 4));
    expect(bestCopy([stored(inconsistent, 1), stored(text, 2)])!.record).toBe(text); // 'c…' < 'd…'
    expect(bestCopy([stored(text, 2), stored(inconsistent, 1)])!.record).toBe(text);
  });
});
