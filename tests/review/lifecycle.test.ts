// The review lifecycle end to end on a real store: decisions survive re-runs of the same evidence,
// reopen with history when the evidence changes, and corrections change effective values at once.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PARSER_VERSION } from '../../parsers/index.ts';
import { exportRows } from '../../src/export/cells.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import { effectiveRecord } from '../../src/review/effective.ts';
import { decide } from '../../src/review/queue.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStores } from '../helpers/stores.ts';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';

const AT = '2026-01-01T00:00:00.000Z';
function report(overrides: Record<string, string>, agency = '测试市林业局') {
  const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
  for (const [k, v] of Object.entries(overrides)) cells.set(k, v);
  return renderHtml({ version: 'v2021', agency, year: 2024, cells }, PLAIN);
}
// 行政复议: 维持 10, 纠正 1, 总计 0 → T4-1 fails (publisher).
const BAD = { 'table4|review|upheld': '10', 'table4|review|corrected': '1', 'table4|review|total': '0' };

describeStores('review lifecycle', (stores) => {
  let store: Store;
  beforeEach(async () => {
    store = await stores.open();
  });
  afterEach(async () => store.close());

  async function ingest(bytes: Uint8Array, location: string, parserVersion?: string) {
    const r = await ingestBytes(store, bytes, { location }, AT, parserVersion);
    await recheck(store, [r.reportId!], AT);
    return r;
  }

  it('opens an item for a failed HARD rule, naming its cells', async () => {
    await ingest(report(BAD), 'a.html');
    const items = await store.listItems({ status: 'open' });
    expect(items.map((i) => i.rule)).toEqual(['T4-1']);
    const f = JSON.parse(items[0]!.finding_json).finding;
    expect(f).toMatchObject({ left: 0, right: 11, blame: 'publisher' });
  });

  it('a decision survives re-ingesting the same bytes and a new parser that reads the same values', async () => {
    const bytes = report(BAD);
    await ingest(bytes, 'a.html');
    const [item] = await store.listItems({ status: 'open' });
    await decide(store, item!.id, 'publisher-error', 'printed so', 'tester', AT);
    const again = await ingest(bytes, 'a.html');
    expect(again).toMatchObject({ isNewDocument: false, extracted: false });
    await ingest(bytes, 'a.html', '9.9.9');
    expect(await store.item(item!.id)).toMatchObject({ status: 'decided', decision: 'publisher-error' });
    expect((await store.events(item!.id)).map((e) => e.event)).toEqual(['opened', 'decided']);
    const report1 = await store.report(item!.report_id);
    expect((await store.runsOf(report1!.id)).map((r) => r.parser_version)).toEqual([PARSER_VERSION, '9.9.9']); // the old run is kept
  });

  it('new bytes with different evidence reopen the decided item, with its history', async () => {
    await ingest(report(BAD), 'a.html');
    const [item] = await store.listItems({ status: 'open' });
    await decide(store, item!.id, 'false-alarm', null, 'tester', AT);
    // A new version of the same file (another file with other values would be a conflicting copy: X-COPY).
    await ingest(report({ ...BAD, 'table4|review|upheld': '12' }), 'a.html');
    expect(await store.item(item!.id)).toMatchObject({ status: 'open', decision: null });
    const events = await store.events(item!.id);
    expect(events.map((e) => e.event)).toEqual(['opened', 'decided', 'reopened']);
    expect(events[2]!.decision).toBe('false-alarm');
  });

  it('a correction changes the effective value, re-runs the rules at once and shows in the export', async () => {
    const { reportId } = await ingest(report(BAD), 'a.html');
    const [item] = await store.listItems({ status: 'open' });
    const report1 = (await store.report(reportId!))!;
    await store.addCorrection({
      report_id: report1.id,
      tbl: 'table4',
      row_key: 'review',
      col_key: 'total',
      old_value: 0,
      old_raw: '0',
      new_value: 11,
      note: 'total misprinted',
      who: 'tester',
      at: AT,
    });
    await recheck(store, [report1.id], AT);
    expect(await store.item(item!.id)).toMatchObject({ status: 'resolved' });
    const eff = await effectiveRecord(store, report1);
    const cell = eff!.cells.find((c) => c.table === 'table4' && c.row === 'review' && c.col === 'total')!;
    expect(cell).toMatchObject({ value: 11, raw: '0', corrected: { extracted_value: 0 } });
    const rows = [];
    for await (const r of exportRows(store)) rows.push(r);
    expect(rows.find((r) => r.table === 'table4' && r.row === 'review' && r.col === 'total')).toMatchObject({
      value: 11,
      corrected: true,
      extracted_value: 0,
    });
    // The extracted value is kept in the run.
    const run = await store.runRecord(report1.current_run_id!);
    expect(run!.cells.find((c) => c.table === 'table4' && c.row === 'review' && c.col === 'total')!.value).toBe(0);
  });

  it('X-1 links reports of the same body across years', async () => {
    const y1 = renderHtml(
      {
        version: 'v2021',
        agency: '测试市林业局',
        year: 2023,
        cells: new Map(
          layoutKeys('v2021').map((k) => [
            k,
            k.startsWith('table3|carried_forward|') && (k.endsWith('natural_person') || k.endsWith('total'))
              ? '2'
              : '0',
          ]),
        ),
      },
      PLAIN,
    );
    const r1 = await ingest(y1, 'y2023.html');
    const r2 = await ingest(report({}), 'y2024.html');
    await recheck(store, [r1.reportId!, r2.reportId!], AT);
    expect((await store.listItems({ rule: 'X-1' })).map((i) => i.report_year)).toEqual([2024, 2024]);
  });
});
