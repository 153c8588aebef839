// A store with many reports and review items, written directly (fast) for list benchmarks and for
// commands whose output must outgrow a pipe. `target`: an SQLite file or a Postgres URL.
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';

const RULES = ['T3-1', 'T3-3', 'T4-1', 'X-1', 'M-2'];
/** Reports per insert: with their items well under either dialect's limit on bound parameters. */
const CHUNK = 200;

export async function bigStore(target: string, reports: number, itemsPerReport = 3): Promise<Store> {
  const store = await openStore(target);
  const at = '2026-01-01T00:00:00.000Z';
  await store.transaction(async (trx) => {
    for (let from = 0; from < reports; from += CHUNK) {
      const chunk = Array.from({ length: Math.min(CHUNK, reports - from) }, (_, j) => {
        const i = from + j;
        const agency = `测试${i % 2000}号局`;
        const year = 2019 + Math.floor(i / 2000);
        return { i, agency, year, key: `${agency}|${year}` };
      });
      const ids = await trx
        .insertInto('reports')
        .values(
          chunk.map((r) => ({
            report_key: r.key,
            agency: r.agency,
            report_year: r.year,
            kind: 'ogi_annual_report',
            title: null,
            scope: 'single',
            current_run_id: null,
            created_at: at,
            updated_at: at,
          })),
        )
        .returning(['id', 'report_key'])
        .execute();
      const idOf = new Map(ids.map((r) => [r.report_key, r.id]));
      const items = chunk.flatMap(({ i, agency, year, key }) =>
        Array.from({ length: itemsPerReport }, (_, k) => {
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
          return {
            fingerprint: `${i}-${k}`,
            report_id: idOf.get(key)!,
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
          };
        }),
      );
      if (items.length) await trx.insertInto('review_items').values(items).execute();
    }
  });
  return store;
}
