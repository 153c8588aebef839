// A store with many reports and review items, written directly (fast) for list benchmarks.
import { Store } from '../../src/store/store.ts';

const RULES = ['T3-1', 'T3-3', 'T4-1', 'X-1', 'M-2'];

export async function bigStore(file: string, reports: number, itemsPerReport = 3): Promise<Store> {
  const store = await Store.openSqlite(file);
  const at = '2026-01-01T00:00:00.000Z';
  await store.transaction(async (trx) => {
    for (let i = 0; i < reports; i++) {
      const agency = `测试${i % 2000}号局`;
      const year = 2019 + Math.floor(i / 2000);
      const r = await trx
        .insertInto('reports')
        .values({
          report_key: `${agency}|${year}`,
          agency,
          report_year: year,
          kind: 'ogi_annual_report',
          title: null,
          scope: 'single',
          current_run_id: null,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (let k = 0; k < itemsPerReport; k++) {
        const rule = RULES[(i + k) % RULES.length]!;
        const finding = {
          rule,
          level: 'hard',
          status: 'fail',
          cells: [['table3', 'new_received', 'total']],
          left: 1,
          right: 2,
          delta: -1,
          blame: 'publisher',
          message: `示例 ${i}-${k}`,
        };
        await trx
          .insertInto('review_items')
          .values({
            fingerprint: `${i}-${k}`,
            report_id: r.id,
            rule,
            level: 'hard',
            status: k === 0 ? 'decided' : 'open',
            decision: k === 0 ? 'false-alarm' : null,
            evidence_hash: 'x',
            finding_json: JSON.stringify({ finding }),
            agency,
            report_year: year,
            created_at: at,
            updated_at: at,
          })
          .execute();
      }
    }
  });
  return store;
}
