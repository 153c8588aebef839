// One report per agency and year whatever the copy: a page, its PDF and DOCX renderings (one with a
// wrapped title whose agency is lost), crawl context (registry source, linking page), and the best
// copy current whatever the order.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLAIN } from '../../src/demo/layout.ts';
import { exportRows } from '../../src/export/cells.ts';
import { bodyName } from '../../src/ingest/identity.ts';
import { ingestBytes, ingestFiles, recheck } from '../../src/ingest/ingest.ts';
import { extractBytes } from '../../src/pipeline.ts';
import type { Store } from '../../src/store/store.ts';
import { fixture, page } from '../helpers/copies.ts';
import { describeStores } from '../helpers/stores.ts';
import { renderDocx } from '../render/docx.ts';
import { hasCjkFont, renderPdf } from '../render/pdf.ts';

const AGENCY = '莆田市审计局';
const tmp = () => mkdtempSync(path.join(tmpdir(), 'nianbao-copies-'));
// Rendered once for both dialects: PDF and DOCX carry creation times, so two renderings differ in
// their bytes (and LibreOffice is slow).
const r = fixture(AGENCY, 2019);
let rendered: Promise<[Uint8Array, Uint8Array]> | undefined;
const copies = () => (rendered ??= Promise.all([renderPdf(r), renderDocx(r, PLAIN)]));

async function exported(s: Store) {
  const rows = [];
  for await (const r of exportRows(s)) rows.push(r);
  return rows;
}

describe('bodyName: only what looks like a government body becomes a report key', () => {
  it('keeps real names, normalised', () => {
    for (const n of ['莆田市审计局', '平潭综合实验区', '三明市', '上海市人民政府办公厅', '沭阳县发展和改革局'])
      expect(bodyName(n)).toBe(n);
    expect(bodyName(' 莆田市 审计局 ')).toBe('莆田市审计局');
    expect(bodyName('本溪市人民政府')).toBe('本溪市人民政府');
  });

  it('refuses fragments, sentences and title words', () => {
    for (const n of [
      '年',
      '局',
      '度',
      '2019',
      '年莆田市审计局',
      '特向社会公布莆田市审计局',
      '莆田市科技',
      '关于2019年度报告',
    ])
      expect(bodyName(n), n).toBeNull();
  });

  it('never returns a lone character, a year or a title word, whatever surrounds a real name', () => {
    const names = fc.constantFrom('莆田市审计局', '三明市', '平潭综合实验区', '上海市人民政府办公厅');
    const han = fc.string({
      unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)),
      maxLength: 12,
    });
    fc.assert(
      fc.property(names, fc.integer({ min: 2000, max: 2099 }), han, (name, year, noise) => {
        expect(bodyName(`${name}${year}年`)).toBeNull();
        expect(bodyName(`${year}年${name}`)).toBeNull();
        expect(bodyName(`${noise}${name}${year}年度报告`)).toBeNull();
        expect(bodyName(`特向社会公布${name}`)).toBeNull();
        const b = bodyName(noise);
        if (b !== null) {
          expect(b.length).toBeGreaterThanOrEqual(3);
          expect(b).not.toMatch(/年度|报告/);
        }
      }),
    );
    for (const c of ['年', '度', '月', '局', '市', '区']) expect(bodyName(c)).toBeNull();
  });
});

describeStores('ingest of copies', (stores) => {
  let store: Store;
  beforeEach(async () => {
    store = await stores.open();
  });
  afterEach(async () => store.close());

  describe('crawl context identifies what the document does not', () => {
    it('the registry source names a document whose own agency is a fragment; a non-body is refused', async () => {
      const bytes = page(fixture(AGENCY, 2019), { wrapTitle: true, hideAgency: true });
      const rec = await extractBytes(bytes, { path: 'p.html' });
      expect(bodyName(rec.report.agency)).toBeNull(); // the premise: this copy does not name its body
      const a = await ingestBytes(
        store,
        bytes,
        { location: 'https://x.gov.cn/a.html', url: 'https://x.gov.cn/a.html', sourceAgency: AGENCY },
        'T1',
      );
      expect(await store.report(a.reportId!)).toMatchObject({
        report_key: `${AGENCY}|2019`,
        agency_source: 'registry',
      });
      const b = await ingestBytes(
        store,
        page(fixture(AGENCY, 2020), { wrapTitle: true, hideAgency: true }),
        { location: 'b.html', sourceAgency: '年' },
        'T1',
      );
      expect((await store.report(b.reportId!))!.report_key).toMatch(/^sha:/);
    });

    it('an attachment joins the page that linked to it, before or after the page arrives', async () => {
      for (const attachmentFirst of [false, true]) {
        const s = await stores.open();
        const pageUrl = 'https://x.gov.cn/2020/p.html';
        // The attachment prints other values than the page (no copy match) and no agency.
        const att = page(fixture(AGENCY, 2019, 5), { wrapTitle: true });
        const steps = [
          () => ingestBytes(s, page(fixture(AGENCY, 2019)), { location: pageUrl, url: pageUrl }, 'T1'),
          () =>
            ingestBytes(
              s,
              att,
              { location: 'https://x.gov.cn/f/a.html', url: 'https://x.gov.cn/f/a.html', referrer: pageUrl },
              'T2',
            ),
        ];
        if (attachmentFirst) steps.reverse();
        const ids = [];
        for (const st of steps) ids.push((await st()).reportId!);
        await recheck(s, ids, 'T3');
        const reports = (await s.allReports()).filter((r) => r.current_run_id !== null);
        expect(
          reports.map((r) => [r.report_key, r.agency_source]),
          `attachment first: ${attachmentFirst}`,
        ).toEqual([[`${AGENCY}|2019`, 'document']]);
        expect((await s.runsOf(reports[0]!.id)).length).toBe(2);
        // The copies disagree: a person is asked, the export keeps one reading.
        const items = await s.listItems({ rule: 'X-COPY' });
        expect(items.length).toBeGreaterThan(0);
        await s.close();
      }
    });
  });

  describe('copies arriving at the same moment', () => {
    it('make one report per body and year, and the same bytes from two hosts one run', async () => {
      // Five bodies, each with two copies printing different values (two documents, one report key)
      // and one document served by two hosts: all ingested at once.
      const agencies = ['莆田市审计局', '三明市审计局', '南平市审计局', '宁德市审计局', '龙岩市审计局'];
      const results = await Promise.all(
        agencies.flatMap((agency, i) => {
          const a = page(fixture(agency, 2021));
          const b = page(fixture(agency, 2021, 2));
          const at = (n: number) => ({
            location: `https://h${n}.gov.cn/${i}.html`,
            url: `https://h${n}.gov.cn/${i}.html`,
          });
          return [a, b, a].map((bytes, n) => ingestBytes(store, bytes, at(n), 'T1', undefined, { pool: null }));
        }),
      );
      expect(results.every((r) => r.reportId !== null)).toBe(true);
      const reports = await store.allReports();
      expect(reports.map((r) => r.report_key).sort()).toEqual(agencies.map((a) => `${a}|2021`).sort());
      for (const r of reports) expect((await store.runsOf(r.id)).length, r.report_key).toBe(2);
      expect(results.filter((r) => r.extracted)).toHaveLength(agencies.length * 2);
    });
  });

  describe('a newer version at the same address', () => {
    it('moves the page to the year it now names; the old report no longer stands', async () => {
      const url = 'https://x.gov.cn/ndbg/t1.html';
      const bad = { 'table4|review|upheld': '10', 'table4|review|total': '0' }; // T4-1 fails
      const first = await ingestBytes(store, page(fixture(AGENCY, 2023, 1, bad)), { location: url, url }, 'T1');
      await recheck(store, [first.reportId!], 'T1');
      expect((await store.listItems({ rule: 'T4-1' })).length).toBeGreaterThan(0);
      const second = await ingestBytes(store, page(fixture(AGENCY, 2024, 1, bad)), { location: url, url }, 'T2');
      await recheck(store, [second.reportId!], 'T2');
      const live = (await store.allReports()).filter((r) => r.current_run_id !== null).map((r) => r.report_key);
      expect(live).toEqual([`${AGENCY}|2024`]);
      expect((await exported(store)).every((r) => r.report_year === 2024)).toBe(true);
      const items = await store.listItems({ rule: 'T4-1', status: 'all' });
      expect(new Set(items.map((i) => `${i.report_year} ${i.status}`))).toEqual(
        new Set(['2023 resolved', '2024 open']),
      );
    });
  });

  describe.skipIf(!hasCjkFont())('a page, its PDF and its DOCX are one report', () => {
    async function folder(order: 'page-first' | 'page-last') {
      const [pdf, docx] = await copies();
      const dir = tmp();
      const name = (n: string) => path.join(dir, order === 'page-first' ? `a-${n}` : `z-${n}`);
      writeFileSync(name('page.html'), page(r, { wrapTitle: true }));
      writeFileSync(path.join(dir, 'm-report.pdf'), pdf);
      writeFileSync(path.join(dir, 'm-report.docx'), docx);
      return dir;
    }

    it('one report with the right agency, whatever the order; no fragment in the export', async () => {
      const exports = [];
      for (const order of ['page-first', 'page-last'] as const) {
        const dir = await folder(order);
        const s = await stores.open();
        const doc = ['m-report.pdf', 'm-report.docx'].map((f) => path.join(dir, f));
        const files =
          order === 'page-first' ? [path.join(dir, 'a-page.html'), ...doc] : [...doc, path.join(dir, 'z-page.html')];
        const sum = await ingestFiles(s, files, { now: () => '2026-01-01T00:00:00.000Z' });
        expect(sum.failed).toBe(0);
        const live = (await s.allReports()).filter((x) => x.current_run_id !== null);
        expect(
          live.map((x) => x.report_key),
          order,
        ).toEqual([`${AGENCY}|2019`]);
        expect((await s.runsOf(live[0]!.id)).length).toBe(3);
        const rows = await exported(s);
        expect(new Set(rows.map((x) => x.agency))).toEqual(new Set([AGENCY]));
        expect(await s.listItems({ rule: 'X-COPY' })).toEqual([]); // three renderings, same values
        exports.push(
          rows.map((x) => ({
            ...x,
            report_id: null,
            open_findings: String(x.open_findings ?? '').replace(/#\d+/g, '#'),
            // The page's name sets its order (a-, z-); equal copies tie-break on sha256, so the page
            // itself may be current.
            source_location: path.basename(String(x.source_location)).replace(/^[az]-page/, 'page'),
          })),
        );
        await s.close();
      }
      expect(exports[0]).toEqual(exports[1]);
    }, 180_000);
  });
});
