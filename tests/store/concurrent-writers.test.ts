// Writers ingest and re-check at once: on Postgres through several handles (as many processes
// would), on SQLite through one handle (one writing process; jobs in it run concurrently).
// Find-or-create work spanning statements (body identities, a report's items, a reading's commit)
// runs under the store's named locks, so the outcome is the one a single writer gets: no "duplicate
// key" failure, no report created twice, no review item lost.
import { afterEach, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStores } from '../helpers/stores.ts';

const AT = '2026-01-01T00:00:00.000Z';
const WRITERS = 4;
// 行政复议: 维持 10, 纠正 1, 总计 0 → T4-1 fails: one review item per report.
const BAD = { 'table4|review|upheld': '10', 'table4|review|corrected': '1', 'table4|review|total': '0' };
const page = (agency: string, note = '') => {
  const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
  for (const [k, v] of Object.entries(BAD)) cells.set(k, v);
  return Buffer.concat([renderHtml({ version: 'v2021', agency, year: 2024, cells }, PLAIN), Buffer.from(note)]);
};

describeStores('concurrent writers', (stores) => {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  const handles = async () => {
    const target = await stores.fresh();
    const n = stores.kind === 'postgres' ? WRITERS : 1;
    for (let i = 0; i < n; i++) opened.push(await stores.open(target));
    return Array.from({ length: WRITERS }, (_, i) => opened[opened.length - n + (i % n)]!);
  };
  /** Each handle ingests its document and re-checks its report, all at once. */
  const together = (hs: Store[], docs: Buffer[]) =>
    Promise.all(
      hs.map(async (s, i) => {
        const r = await ingestBytes(s, docs[i]!, { location: `http://a.gov.cn/${i}.html` }, AT, undefined, {
          pool: null,
        });
        return recheck(s, [r.reportId!], AT);
      }),
    );

  it('departments of one city at once: every body once, every item opened', async () => {
    const hs = await handles();
    const agencies = ['杭州市林业局', '杭州市水利局', '杭州市民政局', '杭州市商务局'];
    await together(
      hs,
      agencies.map((a) => page(a)),
    );
    const s = hs[0]!;
    expect((await s.allReports()).map((r) => r.agency).sort()).toEqual([...agencies].sort());
    expect((await s.listItems({ status: 'all' })).map((i) => i.rule)).toEqual(Array(WRITERS).fill('T4-1'));
    const bodies = await s.allBodies();
    expect(new Set(bodies.map((b) => b.name)).size).toBe(bodies.length);
    expect(bodies.filter((b) => b.name === '杭州市人民政府')).toHaveLength(1); // the parent, made once
  });

  it('copies of one report at once: one report, every copy a run of it, one item', async () => {
    const hs = await handles();
    await together(
      hs,
      hs.map((_, i) => page('杭州市林业局', `<!-- copy ${i} -->`)),
    );
    const s = hs[0]!;
    const reports = await s.allReports();
    expect(reports).toHaveLength(1);
    expect(await s.runsOf(reports[0]!.id)).toHaveLength(WRITERS);
    expect((await s.listItems({ status: 'all' })).map((i) => i.rule)).toEqual(['T4-1']);
  });

  it('the same bytes at once: one run, the others find it', async () => {
    const hs = await handles();
    const doc = page('杭州市林业局');
    await together(
      hs,
      hs.map(() => doc),
    );
    const s = hs[0]!;
    const reports = await s.allReports();
    expect(reports).toHaveLength(1);
    expect(await s.runsOf(reports[0]!.id)).toHaveLength(1);
    expect(await s.listItems({ status: 'all' })).toHaveLength(1);
  });
});

describeStores('store close', (stores) => {
  it('closing a store twice is harmless (its lock pool included)', async () => {
    const s = await stores.open();
    await s.exclusive('x', async () => {});
    await s.close();
    await expect(s.close()).resolves.toBeUndefined();
  });
});
