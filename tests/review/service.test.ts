// The review service on a real store: the queue's filters, order and groups; decisions checked
// against the version the reviewer saw; corrections validated against the cell's kind and the report.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import { ReviewService, parseCorrectionValue } from '../../src/review/service.ts';
import { displayMessage } from '../../src/review/table-view.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStores } from '../helpers/stores.ts';

const AT = '2026-01-01T00:00:00.000Z';
function html(overrides: Record<string, string>, opts: { agency?: string; year?: number; noTable2?: boolean } = {}) {
  const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
  for (const [k, v] of Object.entries(overrides)) cells.set(k, v);
  const bytes = renderHtml(
    { version: 'v2021', agency: opts.agency ?? '测试市林业局', year: opts.year ?? 2024, cells },
    PLAIN,
  );
  if (!opts.noTable2) return bytes;
  // The page without its first table (表二): a real 2019+ report with a table missing.
  const text = new TextDecoder().decode(bytes).replace(/<table[\s\S]*?<\/table>/, '');
  return new TextEncoder().encode(text);
}
// Three T4-1 failures on one table of one report (a group), one T3-3 failure on table 3.
const BAD = {
  'table4|review|upheld': '10',
  'table4|review|total': '0',
  'table4|litigation_direct|upheld': '3',
  'table4|litigation_direct|total': '0',
  'table4|litigation_after_review|upheld': '4',
  'table4|litigation_after_review|total': '0',
  'table3|new_received|natural_person': '5',
};

describeStores('review service', (stores) => {
  let store: Store;
  let service: ReviewService;
  beforeEach(async () => {
    store = await stores.open();
    service = new ReviewService(store);
  });
  afterEach(async () => store.close());

  async function ingest(bytes: Uint8Array, location: string) {
    const r = await ingestBytes(store, bytes, { location }, AT);
    if (r.reportId !== null) await recheck(store, [r.reportId], AT);
    return r.reportId!;
  }

  describe('queue', () => {
    it('filters, counts per rule, groups one rule on one table of one report, and pages', async () => {
      await ingest(html(BAD), 'a.html');
      await ingest(html({ 'table4|review|upheld': '2' }, { agency: '测试县财政局' }), 'b.html');
      const all = await service.queue({});
      expect(all.total).toBe(all.items.length);
      const t41 = all.byRule.find((r) => r.rule === 'T4-1')!.n;
      expect(t41).toBe(4);
      const group = all.groups.find((g) => g.rule === 'T4-1' && g.items.length === 3)!;
      expect(group.table).toBe('table4');
      expect(new Set(group.items.map((i) => i.agency))).toEqual(new Set(['测试市林业局']));
      // Items of one group are adjacent on the page.
      const idx = group.items.map((i) => all.items.indexOf(i));
      expect(Math.max(...idx) - Math.min(...idx)).toBe(2);
      const forestry = await service.queue({ agencyContains: '林业' });
      expect(forestry.items.every((i) => i.agency === '测试市林业局')).toBe(true);
      expect(forestry.byRule.reduce((a, r) => a + r.n, 0)).toBe(forestry.total);
      const onlyT4 = await service.queue({ rule: 'T4-1', blame: 'publisher', level: 'hard', year: 2024 });
      expect(onlyT4.total).toBe(4);
      expect((await service.queue({ year: 2023 })).total).toBe(0);
      const page2 = await service.queue({}, { offset: 2, limit: 2 });
      expect(page2.items.map((i) => i.id)).toEqual(all.items.slice(2, 4).map((i) => i.id));
      await store.upsertBody({ agency: '测试县财政局', parent: null, level: 'county', region_code: '350421' });
      const region = await service.queue({ region: '350400' });
      expect(region.items.map((i) => i.agency)).toEqual(['测试县财政局']);
    });

    it('a part of the name matches Latin letters whatever their case, as on SQLite', async () => {
      // Ingest keeps only names of bodies (no Latin letters): this one was written by another tool.
      const reportId = await ingest(html(BAD), 'a.html');
      await store.db
        .updateTable('review_items')
        .set({ agency: '测试市GIS中心' })
        .where('report_id', '=', reportId)
        .execute();
      const n = (await store.listItems({})).length;
      for (const part of ['GIS', 'gis', 'Gis中心'])
        expect((await service.queue({ agencyContains: part })).total, part).toBe(n);
      expect((await service.queue({ agencyContains: 'GIT' })).total).toBe(0);
    });

    it('shows messages with the printed names, never canonical keys', () => {
      const m = displayMessage({
        message: '「new_received」行总计未填写；「review/total」应为数字；table3 相同',
        cells: [['table3', 'new_received', 'total']],
      });
      expect(m).toBe('「一、本年新收政府信息公开申请数量」行总计未填写；「行政复议」×「总计」应为数字；表三 相同');
    });
  });

  describe('decide', () => {
    it('refuses a stale version and a resolved item, and decides a group all or nothing', async () => {
      const reportId = await ingest(html(BAD), 'a.html');
      const q = await service.queue({ rule: 'T4-1' });
      const [a, b, c] = q.items;
      await service.decide([{ id: a!.id, expected: a!.version }], { as: 'false-alarm', who: 'x' });
      // a was decided meanwhile: a second reviewer holding the old version is refused.
      await expect(
        service.decide([{ id: a!.id, expected: a!.version }], { as: 'publisher-error', who: 'y' }),
      ).rejects.toThrow(/changed since it was shown/);
      // A group with one stale member decides nothing.
      await expect(
        service.decide(
          [
            { id: b!.id, expected: b!.version },
            { id: a!.id, expected: a!.version },
          ],
          { as: 'publisher-error', who: 'y' },
        ),
      ).rejects.toThrow(/changed/);
      expect((await store.item(b!.id))!.status).toBe('open');
      await service.decide(
        [
          { id: b!.id, expected: b!.version },
          { id: c!.id, expected: c!.version },
        ],
        { as: 'publisher-error', note: '印错', who: 'y' },
      );
      expect((await store.itemsByIds([b!.id, c!.id])).map((i) => i.decision)).toEqual([
        'publisher-error',
        'publisher-error',
      ]);
      expect((await store.events(c!.id)).at(-1)).toMatchObject({ event: 'decided', who: 'y', note: '印错' });
      // Correct the table so the review row adds up: its item resolves and can no longer be decided.
      await service.correct(reportId, { table: 'table4', row: 'review', col: 'total' }, '10', {
        note: 'typo',
        who: 'z',
      });
      const resolved = (await store.itemsOfReport(store.db, reportId)).find((i) => i.status === 'resolved')!;
      expect(resolved).toBeDefined();
      await expect(service.decide([{ id: resolved.id }], { as: 'false-alarm', who: 'x' })).rejects.toThrow(/resolved/);
    });
  });

  describe('correct', () => {
    it('validates the value against the cell kind', () => {
      expect(() => parseCorrectionValue('-5', 'count')).toThrow(/negative/);
      expect(() => parseCorrectionValue('1.5', 'count')).toThrow(/whole number/);
      expect(() => parseCorrectionValue('1e3', 'count')).toThrow(/not a number/);
      expect(() => parseCorrectionValue('', 'amount')).toThrow(/not a number/);
      expect(parseCorrectionValue('１,２０３', 'count')).toBe(1203);
      expect(parseCorrectionValue('12.35', 'amount')).toBe(12.35);
      expect(() => parseCorrectionValue('-0.5', 'amount')).toThrow(/negative/);
      expect(parseCorrectionValue('-3', 'signed_count')).toBe(-3);
    });

    it('refuses pre-2019 and keyless reports and cells the format lacks; allows a table missing from a report', async () => {
      const old = await ingest(html({}, { year: 2017 }), 'old.html');
      expect((await store.report(old))!.kind).toBe('pre2019_report');
      await expect(
        service.correct(old, { table: 'table4', row: 'review', col: 'total' }, '1', { note: 'n', who: 'w' }),
      ).rejects.toThrow(/pre-2019/);
      const junk = await ingest(new TextEncoder().encode('<html><body><p>通知</p></body></html>'), 'junk.html');
      await expect(
        service.correct(junk, { table: 'table4', row: 'review', col: 'total' }, '1', { note: 'n', who: 'w' }),
      ).rejects.toThrow(/no key/);
      const good = await ingest(html({}, { noTable2: true }), 'no-table2.html');
      const rec = (await service.report(good)).record!;
      expect(rec.report.tables_missing).toContain('table2');
      // v2019-only column on a v2021 table 2 is refused only when the table was read in v2021; here it is missing.
      const r = await service.correct(good, { table: 'table2', row: 'regulations', col: 'issued' }, '3', {
        note: 'from the PDF copy',
        who: 'w',
      });
      expect(r.value).toBe(3);
      await expect(
        service.correct(good, { table: 'table3', row: 'new_received', col: 'total' }, '2.5', { note: 'n', who: 'w' }),
      ).rejects.toThrow(/whole number/);
      await expect(
        service.correct(good, { table: 'table4', row: 'review', col: 'amount' }, '2', { note: 'n', who: 'w' }),
      ).rejects.toThrow(/unknown cell/);
    });
  });
});
