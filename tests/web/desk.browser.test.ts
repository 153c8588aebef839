// The review desk in a real browser (Debian's chromium through playwright-core): filter the queue,
// open items and see the flagged cell in its source (HTML, text, PDF), decide, correct, reload —
// persisted and visible through the CLI; a hostile report page sends nothing to the server.
// Without chromium the suite is skipped with a notice; under CI=true it fails instead.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRows } from '../../src/export/cells.ts';
import { ocrAvailable } from '../../src/read/ocr.ts';
import { ReviewService } from '../../src/review/service.ts';
import type { Store } from '../../src/store/store.ts';
import { createApp } from '../../src/web/server.ts';
import { hasCjkFont, renderPdf } from '../render/pdf.ts';
import { renderOfd } from '../render/ofd.ts';
import { imageOnlyPdf } from '../render/scan.ts';
import { badCells, htmlReport, ingestAll, textReport } from './helpers.ts';
import { PLAIN } from '../../src/demo/layout.ts';
import { memoExtraction } from '../helpers/memo-extract.ts';
import { describeStores, itOnce } from '../helpers/stores.ts';

const run = promisify(execFile);
const haveTools = existsSync(CHROMIUM) && hasCjkFont() && existsSync('/usr/bin/pdftoppm') && ocrAvailable();
if (!haveTools) {
  if (process.env.CI === 'true')
    throw new Error(`browser tests need ${CHROMIUM}, fonts-wqy-microhei and poppler-utils (CI=true)`);
  console.warn('[skip] desk browser tests: chromium, the CJK font or pdftoppm is missing');
}
const DOCS = path.resolve('docs');
const BIN = path.resolve('bin/nianbao.js');

/** Four table-3 rows whose 总计 is left blank: four T3-3 items on one table of one report (a group). */
function blankTotals(): Map<string, string> {
  const cells = badCells();
  for (const row of ['carried_over', 'results.partially_granted', 'results.withheld.state_secret', 'carried_forward'])
    cells.set(`table3|${row}|total`, '');
  return cells;
}

let browser: Browser;
/** The PDF and scan fixtures, made once; every document is read once (the scan's OCR is slow). */
let pdf: Uint8Array;
let scan: Uint8Array;
const pool = memoExtraction();

/** The hostile page: everything that could run, submit, navigate or load, aimed at the desk itself. */
function hostile(port: number): Uint8Array {
  const origin = `http://127.0.0.1:${port}`;
  const page = new TextDecoder().decode(htmlReport('测试市敌意局'));
  const evil = `
<script>fetch('${origin}/beacon-script');new Image().src='${origin}/beacon-script-img'</script>
<img src="${origin}/beacon-img" onerror="fetch('${origin}/beacon-onerror')">
<svg onload="fetch('${origin}/beacon-svg')"></svg>
<form id="f" action="${origin}/decide" method="post"><input name="item" value="1:x"><input name="as" value="false-alarm"></form>
<script>document.getElementById('f').submit()</script>
<a id="js" href="javascript:fetch('${origin}/beacon-js')">点此</a>
<style>body{background-image:url(${origin}/beacon-css)} @import url(${origin}/beacon-import);</style>
<div style="background:url(${origin}/beacon-inline)">x</div>
<link rel="stylesheet" href="${origin}/beacon-link"><link rel="prefetch" href="${origin}/beacon-prefetch">
<meta http-equiv="refresh" content="0;url=${origin}/beacon-refresh">
<iframe src="${origin}/beacon-iframe"></iframe><object data="${origin}/beacon-object"></object>
<base href="${origin}/beacon-base/">`;
  return new TextEncoder().encode(
    page
      .replace('<body>', `<body onload="fetch('${origin}/beacon-onload')">${evil}`)
      .replace('<td', `<td onmouseover="fetch('${origin}/beacon-td')" background="${origin}/beacon-tdbg"`),
  );
}

beforeAll(async () => {
  if (!haveTools) return;
  pdf = await renderPdf(
    { version: 'v2021', agency: '测试市版式局', year: 2024, cells: badCells() },
    { ...PLAIN, filledBorders: false, splitTables: false },
  );
  scan = await imageOnlyPdf(
    await renderPdf(
      { version: 'v2021', agency: '测试市扫描局', year: 2024, cells: badCells() },
      { ...PLAIN, filledBorders: false, splitTables: false },
    ),
  );
  browser = await launchChromium();
  mkdirSync(DOCS, { recursive: true });
}, 300_000);
afterAll(async () => browser?.close());

describeStores('review desk', (stores) => {
  let store: Store;
  let db: string;
  let dir: string;
  let base: string;
  let close: () => Promise<void>;
  const requests: string[] = [];
  const ids: Record<string, number> = {};
  /** The launcher, run from a folder of its own (a Postgres store's queue file is written under it). */
  const nianbao = (args: string[]) => run(process.execPath, [BIN, ...args, '--db', db], { cwd: dir });
  /** Screenshots for the README, from the SQLite run only. */
  const screenshot = (page: Page, name: string) =>
    stores.kind === 'sqlite' ? page.screenshot({ path: path.join(DOCS, name) }) : undefined;

  beforeAll(async () => {
    if (!haveTools) return;
    dir = mkdtempSync(path.join(tmpdir(), 'nianbao-desk-'));
    db = await stores.fresh();
    store = await stores.open(db);
    const app = createApp({
      service: new ReviewService(store),
      token: null,
      who: 'desk-tester',
      loopbackOnly: true,
      onRequest: (method, p) => requests.push(`${method} ${p}`),
    });
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    close = () => new Promise((r) => server.close(() => r()));
    const [html, text, pdfId, evil, scanId, , ofd] = await ingestAll(
      store,
      [
        ['html.html', htmlReport('测试市网页局')],
        ['text.txt', textReport('测试市文本局')],
        ['pdf.pdf', pdf],
        ['evil.html', hostile(port)],
        ['scan.pdf', scan],
        ['group.html', htmlReport('测试市分组局', blankTotals())],
        ['ofd.ofd', renderOfd({ version: 'v2021', agency: '测试市版式二局', year: 2024, cells: badCells() })],
      ],
      pool,
    );
    for (const [k, reportId] of Object.entries({ html, text, pdf: pdfId, evil, ofd })) {
      const items = await store.listItems({ rule: 'T4-1' });
      ids[k] = items.find((i) => i.report_id === reportId)!.id;
    }
    // A scan's tables are always queued (E-OCR): its item names the OCR cells.
    ids.scan = (await store.listItems({ rule: 'E-OCR' })).find((i) => i.report_id === scanId)!.id;
  }, 300_000); // OCR of the scan fixture takes a while on a loaded machine

  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
    return page;
  }

  /** The highlighted cell in the source frame: its text and whether the highlight style applies. */
  async function hitInFrame(page: Page) {
    const frame = page.frameLocator('iframe.source');
    const hit = frame.locator('#nianbao-hit');
    await hit.waitFor();
    const outline = await hit.evaluate((el) => getComputedStyle(el).outlineStyle);
    return { text: ((await hit.textContent()) ?? '').trim(), outline };
  }

  /** Mean darkness of the page image inside the outlined box and over the whole page. */
  async function inkInBox(page: Page): Promise<{ inBox: number; page: number }> {
    const img = page.locator('.pageimg img');
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
      .toBeGreaterThan(100);
    const box = await page.locator('#bbox').boundingBox();
    const frame = await img.boundingBox();
    expect(box!.width).toBeGreaterThan(3);
    expect(box!.height).toBeGreaterThan(3);
    expect(box!.x).toBeGreaterThanOrEqual(frame!.x);
    expect(box!.y + box!.height).toBeLessThanOrEqual(frame!.y + frame!.height);
    return page.evaluate(
      ({ b, f }) => {
        const el = document.querySelector('.pageimg img') as HTMLImageElement;
        const c = document.createElement('canvas');
        c.width = el.naturalWidth;
        c.height = el.naturalHeight;
        const g = c.getContext('2d')!;
        g.drawImage(el, 0, 0, c.width, c.height);
        const k = el.naturalWidth / f.width;
        const mean = (x: number, y: number, w: number, h: number) => {
          const d = g.getImageData(
            Math.round(x * k),
            Math.round(y * k),
            Math.max(1, Math.round(w * k)),
            Math.max(1, Math.round(h * k)),
          ).data;
          let s = 0;
          for (let i = 0; i < d.length; i += 4) s += 255 - d[i]!;
          return s / (d.length / 4);
        };
        return { inBox: mean(b.x - f.x, b.y - f.y, b.width, b.height), page: mean(0, 0, f.width, f.height) };
      },
      { b: box!, f: frame! },
    );
  }

  describe.skipIf(!haveTools)('review desk in Chromium', () => {
    it('lists every open item, filters by agency and rule, and groups related items', async () => {
      const page = await newPage();
      await page.goto(`${base}/`);
      const open = await store.listItems({ status: 'open' });
      expect(await page.locator('tr.item').count()).toBe(open.length);
      await page.fill('input[name=agency]', '网页');
      await page.selectOption('select[name=rule]', 'T4-1');
      await page.click('button:has-text("筛选")');
      await page.waitForURL(/agency=/);
      const rows = page.locator('tr.item');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().getAttribute('data-id')).toBe(String(ids.html));
      // Messages use printed names, never canonical keys.
      await page.goto(`${base}/?agency=${encodeURIComponent('网页')}`);
      const text = await page.locator('#queue').textContent();
      expect(text).toContain('行政复议');
      expect(text).not.toMatch(/new_received|natural_person|table[234]/);
      await page.goto(`${base}/`);
      await screenshot(page, 'review-queue.png');
      await page.close();
    });

    it('HTML report: the source pane scrolls to and highlights the flagged cell', async () => {
      const page = await newPage();
      await page.goto(`${base}/items/${ids.html}`);
      expect(await page.locator('#message').textContent()).toContain('行政复议');
      const v = await new ReviewService(store).show(ids.html!);
      const shown = v.involved.find((i) => i.cell?.source.table_index !== null)!;
      const hit = await hitInFrame(page);
      expect(hit.text).toBe(shown.cell!.raw);
      expect(hit.outline).toBe('solid');
      await expect.poll(() => page.locator('td.hit').count()).toBeGreaterThan(0);
      await screenshot(page, 'review-item.png');
      await page.close();
    });

    itOnce(stores)('text report: the line of the cell is highlighted', async () => {
      const page = await newPage();
      await page.goto(`${base}/items/${ids.text}`);
      const v = await new ReviewService(store).show(ids.text!);
      const cell = v.involved.find((i) => i.cell?.source.line !== null)!.cell!;
      const hit = await hitInFrame(page);
      expect(hit.text.startsWith(String(cell.source.line))).toBe(true);
      expect(hit.text).toContain(cell.raw);
      expect(hit.outline).toBe('solid');
      await page.close();
    });

    itOnce(stores)('PDF report: the page is rendered and the cell bbox outlined over the printed value', async () => {
      const page = await newPage();
      await page.goto(`${base}/items/${ids.pdf}`);
      // The box sits on ink: the rendered page is darker inside the box than the page's average.
      const darkness = await inkInBox(page);
      expect(darkness.inBox).toBeGreaterThan(darkness.page * 1.5);
      await page.close();
    });

    itOnce(stores)(
      'OFD report: the page drawn from its positioned text with the cell outlined over the value',
      async () => {
        const page = await newPage();
        await page.goto(`${base}/items/${ids.ofd}`);
        const darkness = await inkInBox(page);
        expect(darkness.inBox).toBeGreaterThan(darkness.page * 1.5);
        await page.close();
      },
    );

    it('scan: the page image with the OCR cell outlined, its crop and its confidence', async () => {
      const page = await newPage();
      await page.goto(`${base}/items/${ids.scan}`);
      const v = await new ReviewService(store).show(ids.scan!);
      const cell = v.involved.find((i) => i.cell?.source.ocr)!.cell!;
      const img = page.locator('.pageimg img');
      await expect
        .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
        .toBeGreaterThan(100);
      const box = await page.locator('#bbox').boundingBox();
      expect(box!.width).toBeGreaterThan(3);
      const crop = page.locator('.crop img');
      await expect
        .poll(() => crop.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
        .toBeGreaterThan(100);
      const cropBox = await page.locator('.crop').boundingBox();
      const [x0, y0, x1, y1] = cell.source.bbox!;
      expect(Math.round(cropBox!.width)).toBeGreaterThanOrEqual(Math.round(x1 - x0));
      expect(Math.round(cropBox!.height)).toBeGreaterThanOrEqual(Math.round(y1 - y0));
      expect(await page.locator('#source').textContent()).toContain(
        `置信度 ${Math.round(cell.source.confidence! * 100)}%`,
      );
      await page.close();
    });

    it('decides and corrects in the page; after a reload both show, and the CLI and the export see them', async () => {
      const page = await newPage();
      await page.goto(`${base}/items/${ids.html}`);
      await page.fill('#decide input[name=note]', '表中印错');
      await page.click('#decide button[value="publisher-error"]');
      await page.waitForURL(/done=1/);
      await page.reload();
      expect(await page.locator('h1').textContent()).toContain('publisher-error');
      expect(await page.locator('#history').textContent()).toContain('desk-tester');
      const { stdout } = await nianbao(['review', 'show', String(ids.html), '--json']);
      const shown = JSON.parse(stdout);
      expect(shown.item).toMatchObject({ status: 'decided', decision: 'publisher-error' });
      expect(shown.history.at(-1)).toMatchObject({ event: 'decided', who: 'desk-tester', note: '表中印错' });
      // Correct the 行政复议 总计 cell of the text report: the item resolves and the export changes.
      await page.goto(`${base}/items/${ids.text}`);
      const form = page.locator('form.correct').filter({ has: page.locator('input[name=col][value=total]') });
      await form.locator('input[name=value]').fill('10');
      await form.locator('input[name=note]').fill('总计漏填');
      await form.locator('button').click();
      await page.waitForURL(/corrected=/);
      await page.reload();
      expect(await page.locator('h1').textContent()).toContain('已解决');
      expect(await page.locator('td.hit', { hasText: '10✎' }).count()).toBe(1);
      const { stdout: again } = await nianbao(['review', 'show', String(ids.text), '--json']);
      expect(JSON.parse(again).item.status).toBe('resolved');
      const rows = [];
      for await (const r of exportRows(store)) rows.push(r);
      expect(
        rows.find(
          (r) => r.agency === '测试市文本局' && r.table === 'table4' && r.row === 'review' && r.col === 'total',
        ),
      ).toMatchObject({ value: 10, corrected: true, extracted_value: 0 });
      // A bad value is refused on the page with its reason.
      await page.goto(`${base}/items/${ids.pdf}`);
      const f2 = page.locator('form.correct').first();
      await f2.locator('input[name=value]').fill('-3');
      await f2.locator('input[name=note]').fill('x');
      await f2.locator('button').click();
      expect(await page.locator('.err').textContent()).toContain('negative');
      await page.close();
    });

    it('decides a group of related items together', async () => {
      const page = await newPage();
      await page.goto(`${base}/?agency=${encodeURIComponent('分组')}&rule=T3-3`);
      const group = page.locator('tr.grp');
      expect(await group.count()).toBe(1);
      const members = await page
        .locator('tr.item')
        .evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.id)));
      expect(members.length).toBeGreaterThanOrEqual(4);
      expect(await group.textContent()).toContain(`${members.length} 项同组`);
      await group.locator('button[value="false-alarm"]').click();
      await page.waitForURL(/done=/);
      const decided = await store.itemsByIds(members);
      expect(decided.map((i) => i.decision)).toEqual(members.map(() => 'false-alarm'));
      expect(await page.locator('tr.item').count()).toBe(0);
      await page.close();
    });

    it('keyboard triage: j moves, 3 decides the selected item as a false alarm', async () => {
      const page = await newPage();
      await page.goto(`${base}/?status=open`);
      const second = await page.locator('tr.item').nth(1).getAttribute('data-id');
      await page.keyboard.press('j');
      expect(await page.locator('tr.item.sel').getAttribute('data-id')).toBe(second);
      await page.keyboard.press('3');
      await page.waitForURL(/done=1/);
      expect((await store.item(Number(second)))!).toMatchObject({ status: 'decided', decision: 'false-alarm' });
      await page.close();
    });

    itOnce(stores)('a hostile report page shown in the source pane sends no request to the server', async () => {
      const page = await newPage();
      const seen: string[] = [];
      page.on('request', (r) => seen.push(r.url()));
      const before = requests.length;
      await page.goto(`${base}/items/${ids.evil}`);
      const hit = await hitInFrame(page);
      expect(hit.outline).toBe('solid');
      // Try the link and wait for anything delayed.
      await page
        .frameLocator('iframe.source')
        .locator('a')
        .first()
        .click({ timeout: 2000 })
        .catch(() => {});
      await page.waitForTimeout(1500);
      const during = requests.slice(before);
      expect(during.filter((r) => /beacon/.test(r))).toEqual([]);
      expect(during.filter((r) => r.startsWith('POST'))).toEqual([]);
      expect(during.map((r) => r.replace(/[0-9a-f]{64}/, 'SHA'))).toEqual([
        `GET /items/${ids.evil}`,
        'GET /documents/SHA/view',
      ]);
      expect(seen.filter((u) => /beacon/.test(u))).toEqual([]);
      expect((await store.item(1))!.status).not.toBe('decided');
      await page.close();
    });
  });
});
