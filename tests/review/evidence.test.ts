// Evidence is the finding's cells, not the document's bytes: a visit counter reopens nothing, a
// changed cell reopens with history; copies that disagree are queued (X-COPY); a table the copy did
// not contain can be entered by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportRows } from '../../src/export/cells.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import { effectiveRecord } from '../../src/review/effective.ts';
import { decide } from '../../src/review/queue.ts';
import type { Store } from '../../src/store/store.ts';
import { fixture, page } from '../helpers/copies.ts';
import { describeStores } from '../helpers/stores.ts';

const AGENCY = '测试市林业局';
const URL = 'https://lyj.test.gov.cn/zfxxgk/ndbg/2025/t1.html';
// 行政复议: 维持 10, 纠正 1, 总计 0 → T4-1 fails (publisher).
const BAD = { 'table4|review|upheld': '10', 'table4|review|corrected': '1', 'table4|review|total': '0' };

describeStores('review evidence', (stores) => {
  let store: Store;
  let clock = 0;
  const at = () => `2026-01-01T00:00:${String(clock++).padStart(2, '0')}.000Z`;
  beforeEach(async () => {
    store = await stores.open();
    clock = 0;
  });
  afterEach(async () => store.close());

  async function crawl(bytes: Uint8Array, url = URL) {
    const when = at();
    const r = await ingestBytes(store, bytes, { location: url, url }, when);
    return { ...(await recheck(store, [r.reportId!], when)), reportId: r.reportId! };
  }
  const t41 = async () => (await store.listItems({ rule: 'T4-1', status: 'all' }))[0]!;

  describe('a decision rests on its cells', () => {
    it('a page whose visit counter changed reopens nothing; a changed cell reopens with history', async () => {
      await crawl(page(fixture(AGENCY, 2024, 1, BAD), { visits: 1041 }));
      const item = await t41();
      await decide(store, item.id, 'publisher-error', 'printed so', 'tester', at());
      const decidedItems = (await store.listItems({ status: 'all' })).map((i) => [i.id, i.status]);

      for (const visits of [1042, 1043]) {
        const again = await crawl(page(fixture(AGENCY, 2024, 1, BAD), { visits }));
        expect(again).toMatchObject({ opened: 0, reopened: 0, resolved: 0 });
      }
      // A mirror of the page on another address (another counter) is a copy with the same values.
      await crawl(page(fixture(AGENCY, 2024, 1, BAD), { visits: 7 }), 'https://mirror.test.gov.cn/t1.html');
      expect((await store.listItems({ status: 'all' })).map((i) => [i.id, i.status])).toEqual(decidedItems);
      expect(await store.item(item.id)).toMatchObject({ status: 'decided', decision: 'publisher-error' });
      expect((await store.events(item.id)).map((e) => e.event)).toEqual(['opened', 'decided']);

      // The publisher fixes one of the finding's cells: the decision no longer stands on it.
      const changed = await crawl(
        page(fixture(AGENCY, 2024, 1, { ...BAD, 'table4|review|upheld': '12' }), { visits: 1044 }),
      );
      expect(changed.reopened).toBeGreaterThan(0);
      expect(await store.item(item.id)).toMatchObject({ status: 'open', decision: null });
      const events = await store.events(item.id);
      expect(events.map((e) => e.event)).toEqual(['opened', 'decided', 'reopened']);
      expect(events[2]!.decision).toBe('publisher-error');
    });

    it('a newer version at the same address replaces the older one (no conflict with itself)', async () => {
      await crawl(page(fixture(AGENCY, 2024, 1, BAD), { visits: 1 }));
      await crawl(page(fixture(AGENCY, 2024, 1, { ...BAD, 'table4|review|upheld': '12' }), { visits: 2 }));
      expect(await store.listItems({ rule: 'X-COPY', status: 'all' })).toEqual([]);
      const report = (await store.allReports())[0]!;
      const rec = await effectiveRecord(store, report);
      expect(rec!.cells.find((c) => c.table === 'table4' && c.row === 'review' && c.col === 'upheld')!.value).toBe(12);
    });
  });

  describe('X-COPY: two copies that print different values', () => {
    it('is queued naming both documents and the cells; the better copy is exported', async () => {
      await crawl(page(fixture(AGENCY, 2024)), URL);
      // The mirror prints one value differently, so its table 3 no longer adds up: the page stays current.
      const mirror = 'https://mirror.test.gov.cn/t1.html';
      const other = fixture(AGENCY, 2024);
      const key = [...other.cells.keys()].find((k) => k.startsWith('table3|new_received|natural_person'))!;
      other.cells.set(key, String(Number(other.cells.get(key)) + 5));
      await crawl(page(other), mirror);
      const items = await store.listItems({ rule: 'X-COPY' });
      expect(items).toHaveLength(1);
      const f = JSON.parse(items[0]!.finding_json).finding;
      expect(f).toMatchObject({ level: 'hard', status: 'fail', blame: 'unknown', cells: [key.split('|')] });
      expect(f.message).toContain(mirror);
      expect(f.message).toContain(URL);
      expect(f.right - f.left).toBe(5);
      const rows = [];
      for await (const r of exportRows(store)) rows.push(r);
      const cell = rows.find((r) => `${r.table}|${r.row}|${r.col}` === key)!;
      expect(cell).toMatchObject({ source_location: URL, value: Number(fixture(AGENCY, 2024).cells.get(key)) });
      expect(String(cell.open_findings)).toContain('X-COPY');
      // Decided, it stays decided while both copies print what they printed.
      await decide(store, items[0]!.id, 'publisher-error', 'the mirror is stale', 'tester', at());
      await crawl(page(other), mirror);
      expect(await store.item(items[0]!.id)).toMatchObject({ status: 'decided' });
    });
  });

  describe('the export after an item changed', () => {
    it("names a cell's open findings in item order, whichever item was updated last", async () => {
      // 新收 自然人 takes part in two findings: T3-1 (its column) and T3-3 (its row).
      const key = 'table3|new_received|natural_person';
      const flags = async () => {
        for await (const r of exportRows(store))
          if (`${r.table}|${r.row}|${r.col}` === key) return String(r.open_findings);
        throw new Error(`${key}: not exported`);
      };
      await crawl(page(fixture(AGENCY, 2024)));
      const before = await flags();
      expect(before).toMatch(/^T3-1#\d+;T3-3#\d+$/);
      // The page changes a cell of T3-1 only: that item's evidence is updated (on Postgres its row
      // moves to the end of the table), both stay open.
      await crawl(page(fixture(AGENCY, 2024, 1, { 'table3|carried_over|natural_person': '5' })));
      const t31 = (await store.listItems({ rule: 'T3-1' })).find((i) => before.includes(`#${i.id};`))!;
      expect((await store.events(t31.id)).map((e) => e.event)).toEqual(['opened', 'reopened']);
      expect(await flags()).toBe(before);
    });
  });

  describe('corrections on a table the copy did not contain', () => {
    it('are stored, audited, exported and checked', async () => {
      const html = new TextDecoder()
        .decode(page(fixture(AGENCY, 2024)))
        .replace(
          /<p>三、收到和处理政府信息公开申请情况<\/p>\n<table[\s\S]*?<\/table>/,
          '<p>三、收到和处理政府信息公开申请情况</p><p>（见附件）</p>',
        );
      const { reportId } = await crawl(new TextEncoder().encode(html));
      const report = (await store.report(reportId))!;
      const before = (await effectiveRecord(store, report))!;
      expect(before.report.tables_missing).toContain('table3');
      expect(before.cells.some((c) => c.table === 'table3')).toBe(false);

      const when = at();
      for (const [col, v] of [
        ['natural_person', 3],
        ['total', 9],
      ] as const)
        await store.addCorrection({
          report_id: report.id,
          tbl: 'table3',
          row_key: 'new_received',
          col_key: col,
          old_value: null,
          old_raw: null,
          new_value: v,
          note: 'entered from the printed copy',
          who: 'tester',
          at: when,
        });
      await recheck(store, [report.id], when);
      expect((await store.correctionHistory(report.id)).map((c) => [c.col_key, c.new_value, c.who])).toEqual([
        ['natural_person', 3, 'tester'],
        ['total', 9, 'tester'],
      ]);
      const rows = [];
      for await (const r of exportRows(store)) rows.push(r);
      const total = rows.find((r) => r.table === 'table3' && r.row === 'new_received' && r.col === 'total')!;
      expect(total).toMatchObject({ value: 9, corrected: true, extracted_value: null, format_version: 'v2021' });
      // The rules ran on the entered values: 3 (natural person) + 0 … ≠ 9 (total) is a T3-3 finding.
      const t33 = (await store.listItems({ rule: 'T3-3' })).map((i) => JSON.parse(i.finding_json).finding);
      expect(t33.some((f) => f.cells.some((c: string[]) => c.join('|') === 'table3|new_received|total'))).toBe(true);
    });
  });
});
