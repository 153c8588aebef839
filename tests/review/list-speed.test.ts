// `review list` must answer in under a second on a store of 10 000 reports (the query; the whole
// command including Node start-up is measured by `npm run bench:review`).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bigStore } from '../helpers/big-store.ts';

describe('review list on 10 000 reports', () => {
  it('filters by rule, agency, year and status in well under a second', async () => {
    const store = await bigStore(path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-list-')), 'n.db'), 10_000);
    try {
      for (const f of [{ rule: 'T4-1' }, { agency: '测试42号局' }, { year: 2021 }, { status: 'all' as const }, {}]) {
        const t0 = performance.now();
        const items = await store.listItems(f);
        const ms = performance.now() - t0;
        expect(items.length).toBeGreaterThan(0);
        expect(ms, JSON.stringify(f)).toBeLessThan(1000);
      }
      expect((await store.listItems({ agency: '测试42号局', status: 'all' })).length).toBe(15);
    } finally {
      await store.close();
    }
  });
});
