// Body identities in the store: registry facts first (given), names next (inferred), a person's
// merges and aliases audited and kept across re-runs; R-1 finds subordinate reports by parent links.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aliasBody, mergeBody } from '../../src/bodies/edit.ts';
import { ensureBodies } from '../../src/bodies/resolve.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import { Store } from '../../src/store/store.ts';
import { AT, type FixtureSpec, renderFixture } from '../export/fixture-store.ts';

let store: Store;
beforeEach(async () => {
  store = await Store.openSqlite(path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-bodies-')), 'n.db'));
});
afterEach(async () => store.close());

async function ingest(spec: FixtureSpec, opts: { aggregate?: boolean } = {}): Promise<number> {
  let bytes = renderFixture(spec);
  if (opts.aggregate)
    bytes = new TextEncoder().encode(
      new TextDecoder()
        .decode(bytes)
        .replace('一、总体情况</p>', '一、总体情况</p><p>本报告汇总所属各部门政府信息公开工作情况。</p>'),
    );
  const r = await ingestBytes(store, bytes, { location: `${spec.agency}-${spec.year}.html` }, AT);
  await recheck(store, [r.reportId!], AT);
  return r.reportId!;
}

describe('body identities', () => {
  it('registry facts are given, the rest inferred; every report is linked', async () => {
    await ensureBodies(store, {
      at: AT,
      registry: [
        { agency: '莆田市人民政府', level: 'prefecture', region_code: '350300' },
        { agency: '莆田市林业局', level: 'prefecture', parent: '莆田市人民政府' },
      ],
    });
    const gov = (await store.bodyByName('莆田市人民政府'))!;
    expect(gov).toMatchObject({
      region_code: '350300',
      region_source: 'given',
      level: 'prefecture',
      level_source: 'given',
    });
    const forestry = (await store.bodyByName('莆田市林业局'))!;
    expect(forestry).toMatchObject({
      level: 'department',
      level_source: 'inferred:department-name',
      admin_level: 'prefecture',
      admin_level_source: 'given',
      parent_id: gov.id,
      parent_source: 'given',
      region_code: '350300',
      region_source: 'inferred:department-name',
    });
    const id = await ingest({ agency: '莆田市审计局', year: 2023, received: 4 });
    const report = (await store.report(id))!;
    const audit = (await store.body(report.body_id!))!;
    expect(audit).toMatchObject({
      name: '莆田市审计局',
      region_code: '350300',
      level: 'department',
      parent_id: gov.id,
    });
  });

  it('a rename of the reforms is one body: both reports link to it', async () => {
    const a = await ingest({ agency: '莆田市文化广电新闻出版局', year: 2019, received: 2 });
    const b = await ingest({ agency: '莆田市文化和旅游局', year: 2021, received: 9 });
    const [ra, rb] = [(await store.report(a))!, (await store.report(b))!];
    expect(ra.body_id).toBe(rb.body_id);
    const aliases = await store.bodyAliases(ra.body_id!);
    expect(aliases.find((x) => x.name === '莆田市文化广电新闻出版局')?.source).toBe('inferred:reform-2018');
  });

  it('a merge is audited and survives re-runs and new reports under the merged name', async () => {
    const good = await ingest({ agency: '莆田市科学技术局', year: 2023, received: 1 });
    const odd = await ingest({ agency: '莆田科学技术局', year: 2022, received: 1 }); // no 市: not inferable
    const target = (await store.report(good))!.body_id!;
    const stray = (await store.report(odd))!.body_id!;
    expect(stray).not.toBe(target);
    expect((await store.body(stray))!.region_code).toBeNull();
    await mergeBody(store, stray, '莆田市科学技术局', 'alice', 'same bureau, name printed without 市', AT);
    expect((await store.report(odd))!.body_id).toBe(target);
    const events = await store.bodyEvents(target);
    expect(events.at(-1)).toMatchObject({
      action: 'merged',
      who: 'alice',
      note: 'same bureau, name printed without 市',
      at: AT,
    });
    // Re-runs: identities again, the same bytes again, and a new report under the merged name.
    await ensureBodies(store, { at: AT });
    await ingest({ agency: '莆田科学技术局', year: 2022, received: 1 });
    const later = await ingest({ agency: '莆田科学技术局', year: 2024, received: 2 });
    expect((await store.report(odd))!.body_id).toBe(target);
    expect((await store.report(later))!.body_id).toBe(target);
    expect((await store.allBodies()).some((b) => b.id === stray)).toBe(false);
  });

  it("a person's alias overrides an inference and re-links the reports", async () => {
    const r = await ingest({ agency: '莆田市海洋与渔业局', year: 2019, received: 1 });
    await ingest({ agency: '莆田市农业农村局', year: 2023, received: 1 });
    await aliasBody(store, '莆田市海洋与渔业局', '莆田市农业农村局', 'bob', 'merged into 农业农村局 in 2019', AT);
    await ensureBodies(store, { at: AT });
    const body = (await store.bodyByName('莆田市农业农村局'))!;
    expect((await store.report(r))!.body_id).toBe(body.id);
    expect((await store.bodyByName('莆田市海洋与渔业局'))!.id).toBe(body.id);
  });

  it('R-1 compares an aggregate report with its departments found by parent links', async () => {
    const gov = await ingest({ agency: '三明市人民政府', year: 2023, received: 12 }, { aggregate: true });
    expect((await store.report(gov))!.scope).toBe('aggregate');
    await ingest({ agency: '三明市财政局', year: 2023, received: 6 });
    await ingest({ agency: '三明市教育局', year: 2023, received: 4 });
    expect((await store.children('三明市人民政府', 2023)).sort()).toEqual(['三明市教育局', '三明市财政局'].sort());
    // The departments' recheck re-ran the government's rules: 12 ≠ 6 + 4.
    const items = await store.listItems({ rule: 'R-1' });
    expect(items.map((i) => i.report_id)).toEqual([gov]);
    expect(JSON.parse(items[0]!.finding_json).finding).toMatchObject({ left: 12, right: 10 });
  });
});
