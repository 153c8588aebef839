// `review list` on a national store: every filter is answered from an index, never by reading the
// whole review_items table, whatever its size. Checked on the query plan, not the clock (the time
// of the whole command on 10 000 reports is measured by `npm run bench:review`).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ReviewFilter } from '../../src/store/store.ts';
import { bigStore } from '../helpers/big-store.ts';

describe('review list filters', () => {
  it('answers rule, agency, year and status filters from an index', async () => {
    // 2000 agencies × 2 years: agency i's reports are i and i + 2000.
    const store = await bigStore(path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-list-')), 'n.db'), 4000);
    try {
      // Each filter, and the column its index must be searched by.
      const filters: [ReviewFilter, string][] = [
        [{ rule: 'T4-1' }, 'rule=?'],
        [{ agency: '测试42号局' }, 'agency=?'],
        [{ year: 2020 }, 'report_year=?'],
        [{}, 'status=?'],
      ];
      for (const [f, column] of filters) {
        const q = store.itemsQuery(f).compile();
        const explained = await store.db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]),
        );
        const plan = explained.rows.map((row) => row.detail).join('; ');
        // "SEARCH review_items USING INDEX x (agency=?)": found through the filter's own column, so
        // the rows read are the rows answered, not every item of every report.
        expect(plan, JSON.stringify(f)).toMatch(
          new RegExp(`SEARCH review_items USING (COVERING )?INDEX \\w+ \\([^)]*${column.replace('?', '\\?')}`),
        );
      }
      expect((await store.listItems({ agency: '测试42号局', status: 'all' })).length).toBe(6);
      expect((await store.listItems({ rule: 'T4-1', status: 'all' })).every((i) => i.rule === 'T4-1')).toBe(true);
      expect((await store.listItems({ year: 2020, status: 'all' })).every((i) => i.report_year === 2020)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
