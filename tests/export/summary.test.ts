// The summary page: static HTML with server-rendered SVG charts, no script, opened in Chromium
// (offline: every request the page makes is refused) with its charts drawn.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSummaryHtml, summaryData } from '../../src/export/summary.ts';
import type { Store } from '../../src/store/store.ts';
import { FIXTURES, fixtureStore } from './fixture-store.ts';
import { CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { describeStores, type StoreKind } from '../helpers/stores.ts';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (CI installs it)`);
  console.warn(`summary.test: ${CHROMIUM} not installed; the browser check is skipped`);
}

/** The page each dialect rendered: Postgres must render SQLite's page, byte for byte. */
const rendered = new Map<StoreKind, string>();

describeStores('summary', (stores) => {
  let store: Store;
  let html: string;
  beforeAll(async () => {
    ({ store } = await fixtureStore(FIXTURES, await stores.fresh()));
    html = await renderSummaryHtml(store);
    rendered.set(stores.kind, html);
  }, 120_000);
  afterAll(async () => store?.close());

  describe('summary page', () => {
    it('is static: five SVG charts, no script, nothing loaded from elsewhere', () => {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
      for (const id of ['reports-by-year', 'coverage', 'requests', 'findings', 'late'])
        expect(html).toMatch(new RegExp(`<section id="${id}">[\\s\\S]*?<svg`));
    });

    it('charts the store: requests by year equal the fixtures, findings by rule include the slip', async () => {
      const d = await summaryData(store);
      const received = d.requests.get('新收申请 received')!;
      for (const y of new Set(FIXTURES.map((f) => f.year)))
        expect(received.get(y) ?? 0).toBe(
          FIXTURES.filter((f) => f.year === y).reduce((s, f) => s + (f.received ?? 0), 0),
        );
      expect(d.findingsByRule.get('T4-1')).toBe(1);
      expect([...d.byYearFormat.keys()].sort()).toEqual(['v2019', 'v2021']);
    });

    if (stores.kind === 'postgres')
      it('is the page SQLite renders, so what Chromium checks there holds here', () => {
        expect(rendered.get('sqlite'), 'the SQLite half runs first').toBeDefined();
        // Apart from the time it was made and the ids ECharts numbers per process (zr<n>-…).
        const same = (h = '') => h.replace(/Generated [^<]*</, 'Generated <').replace(/\bzr\d+-[\w-]*/g, 'zr');
        expect(same(html)).toBe(same(rendered.get('sqlite')));
      });
    else
      it.skipIf(!haveChromium)(
        'opens in Chromium with every chart drawn',
        async () => {
          const browser = await launchChromium();
          try {
            const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-summary-'));
            const file = path.join(dir, 'index.html');
            writeFileSync(file, html);
            const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
            const requests: string[] = [];
            await page.route('**/*', (route) => {
              const url = route.request().url();
              if (url.startsWith('file:')) return route.continue();
              requests.push(url);
              return route.abort();
            });
            await page.goto(`file://${file}`);
            const charts = await page.$$eval('section', (sections) =>
              sections.map((s) => {
                const svg = s.querySelector('svg');
                const box = svg?.getBoundingClientRect();
                return {
                  id: s.id,
                  width: box?.width ?? 0,
                  height: box?.height ?? 0,
                  marks: svg ? svg.querySelectorAll('path, rect').length : 0,
                };
              }),
            );
            expect(charts.map((c) => c.id)).toEqual(['reports-by-year', 'coverage', 'requests', 'findings', 'late']);
            for (const c of charts) {
              expect(c.width, c.id).toBeGreaterThan(100);
              expect(c.height, c.id).toBeGreaterThan(100);
              expect(c.marks, c.id).toBeGreaterThan(2);
            }
            expect(requests).toEqual([]);
            if (process.env.NIANBAO_SCREENSHOT) {
              mkdirSync(path.dirname(process.env.NIANBAO_SCREENSHOT), { recursive: true });
              await page.screenshot({ path: process.env.NIANBAO_SCREENSHOT, fullPage: true });
            }
          } finally {
            await browser.close();
          }
        },
        60_000,
      );
  });
});
