// The crawler against simulated government sites on 127.0.0.1. Every assertion about politeness is
// made at the server: which paths were requested, when, and with which conditional headers.
// Names resolve through an injected lookup, so nothing is ever sent beyond 127.0.0.1.
import iconv from 'iconv-lite';
import { afterEach, expect, it } from 'vitest';
import { Crawler, type CrawlOptions } from '../../src/crawl/crawl.ts';
import type { Source } from '../../src/crawl/registry.ts';
import type { Resolver } from '../../src/crawl/ssrf.ts';
import { demoReports, startSite, type Site, type SiteOptions } from '../../src/demo/site.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { PLAIN } from '../../src/demo/layout.ts';
import { describeStores, type Stores, itOnce } from '../helpers/stores.ts';

/** Test DNS: intranet.example is a private address (must be refused); everything else is loopback. */
const resolver: Resolver = async (name) => [
  { address: name === 'intranet.example' ? '10.0.0.5' : '127.0.0.1', family: 4 },
];
const FAST: CrawlOptions = {
  allowLoopback: true,
  resolver,
  throttle: { minDelayMs: 5, maxDelayMs: 2000 },
  fetch: { timeoutMs: 2000, backoffMs: 50, maxWaitMs: 3000 },
};

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(stores: Stores, siteOpts: Partial<SiteOptions> = {}, n = 7) {
  const site = await startSite({ reports: demoReports(n), perPage: 3, ...siteOpts });
  const store = await stores.open();
  cleanup.push(
    () => site.close(),
    () => store.close(),
  );
  const source: Source = { id: 'test', agency: '示例市人民政府', entry: [site.entry] };
  const crawl = async (opts: CrawlOptions = {}) => {
    const c = new Crawler(store, [source], { ...FAST, ...opts });
    try {
      return await c.run();
    } finally {
      await c.close();
    }
  };
  return { site, store, crawl };
}

const paths = (site: Site) => site.requests.map((r) => r.path);

describeStores('crawl of a simulated government site', (stores) => {
  it('finds and ingests every report, obeys robots.txt and Crawl-delay, and stays out of the trap', async () => {
    const { site, store, crawl } = await setup(
      stores,
      { robots: 'User-agent: *\nDisallow: /zfxxgk/zfxxgknb/202201/\nCrawl-delay: 0.2\n', trap: true },
      7,
    );
    const s = await crawl();
    // The reports for 2021 are published in 2022-01, under a path robots.txt disallows.
    const reports = (await store.allReports()).filter((r) => r.kind === 'ogi_annual_report');
    const disallowed = paths(site).filter((p) => p.startsWith('/zfxxgk/zfxxgknb/202201/'));
    expect(disallowed).toEqual([]);
    const allowed = demoReports(7).filter((r) => r.year !== 2021);
    expect(s.skipped).toBe(7 - allowed.length);
    expect(reports.map((r) => r.report_key).sort()).toEqual(allowed.map((r) => `${r.agency}|${r.year}`).sort());
    expect(paths(site).some((p) => /day=|\/rili\//.test(p))).toBe(false);
    const starts = site.requests.map((r) => r.at);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(200); // Crawl-delay 0.2 s
    expect(site.requests.every((r) => r.userAgent?.startsWith('nianbao/'))).toBe(true);
    expect(s).toMatchObject({ complete: true, failed: 0, changed: 0 });
    expect(s.newReports).toBe(allowed.length + allowed.filter((r) => r.attachment).length);
  }, 30_000);

  it('a second crawl sends conditional requests and re-ingests only what changed; a vanished report is withdrawn, not deleted', async () => {
    const { site, store, crawl } = await setup(stores, {}, 6);
    await crawl();
    const before = site.requests.length;
    const changed = {
      ...demoReports(6)[1]!,
      cells: new Map(demoReports(6)[1]!.cells).set('table2|licensing|decisions', '77'),
    };
    site.update(1, changed);
    const s2 = await crawl();
    const second = site.requests.slice(before);
    const reportRequests = second.filter((r) => /\/t\d+_\d+\.html$/.test(r.path));
    expect(reportRequests.length).toBeGreaterThan(0);
    expect(reportRequests.every((r) => r.ifNoneMatch !== null && r.ifModifiedSince !== null)).toBe(true);
    expect(s2).toMatchObject({ changed: 1, newReports: 1, failed: 0 });
    const runs = await store.db.selectFrom('runs').select('id').execute();
    site.update(2, null);
    const s3 = await crawl();
    expect(s3.withdrawn).toBe(1);
    const gone = await store.db.selectFrom('frontier').selectAll().where('state', '=', 'gone').execute();
    expect(gone).toHaveLength(1);
    expect((await store.db.selectFrom('runs').select('id').execute()).length).toBe(runs.length); // nothing deleted
  }, 30_000);

  itOnce(stores)(
    'GBK pages: charset only in <meta>, and a wrong charset=utf-8 header over GBK bytes',
    async () => {
      const report = demoReports(1)[0]!;
      const { store, crawl } = await setup(stores, {
        reports: [],
        routes: (req, res) => {
          if (req.url === '/zfxxgk/zfxxgknb/index.html') {
            res
              .writeHead(200, { 'content-type': 'text/html' })
              .end(
                iconv.encode(
                  '<meta charset="gbk"><a href="/x/t20250115_1.html">宜兴市司法局2024年政府信息公开工作年度报告</a>',
                  'gbk',
                ),
              );
            return true;
          }
          if (req.url === '/x/t20250115_1.html') {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
              Buffer.from(
                renderHtml(
                  {
                    ...report,
                    agency: '宜兴市司法局',
                    year: 2024,
                    version: 'v2021',
                    cells: demoReports(12)[11]!.cells,
                  },
                  PLAIN,
                  { charset: 'gbk', metaCharset: false },
                ),
              ),
            );
            return true;
          }
          return false;
        },
      });
      await crawl();
      const reports = await store.allReports();
      expect(reports.map((r) => [r.agency, r.report_year])).toEqual([['宜兴市司法局', 2024]]);
    },
    30_000,
  );

  itOnce(stores)(
    '503 + Retry-After is honoured, a slow page times out, redirect chains are followed and loops refused',
    async () => {
      let hits503 = 0;
      const { site, store, crawl } = await setup(stores, {
        reports: [],
        latency: (p) => (p === '/slow/t20250115_9.html' ? 3000 : 0),
        routes: (req, res) => {
          const u = req.url ?? '';
          const links = [
            '/busy/t20250115_1.html',
            '/slow/t20250115_9.html',
            '/r1/t20250115_2.html',
            '/loop1/t20250115_3.html',
          ];
          if (u === '/zfxxgk/zfxxgknb/index.html') {
            res
              .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
              .end(links.map((l, i) => `<a href="${l}">测试${i}局202${i}年政府信息公开工作年度报告</a>`).join(''));
            return true;
          }
          if (u === '/busy/t20250115_1.html' && hits503++ === 0) {
            res.writeHead(503, { 'retry-after': '1' }).end();
            return true;
          }
          if (u === '/r1/t20250115_2.html') {
            res.writeHead(301, { location: '/r2/t20250115_2.html' }).end();
            return true;
          }
          if (u === '/r2/t20250115_2.html') {
            res.writeHead(302, { location: '/busy/t20250115_1.html' }).end();
            return true;
          }
          if (u === '/loop1/t20250115_3.html') {
            res.writeHead(302, { location: '/loop2/t20250115_3.html' }).end();
            return true;
          }
          if (u === '/loop2/t20250115_3.html') {
            res.writeHead(302, { location: '/loop1/t20250115_3.html' }).end();
            return true;
          }
          if (u.startsWith('/busy/') || u.startsWith('/slow/')) {
            res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>测试局2024年政府信息公开工作年度报告</h1>');
            return true;
          }
          return false;
        },
      });
      const s = await crawl({ fetch: { timeoutMs: 500, backoffMs: 50, maxWaitMs: 3000, retries: 1 } });
      const busy = site.requests.filter((r) => r.path === '/busy/t20250115_1.html');
      expect(busy.length).toBeGreaterThanOrEqual(2);
      expect(busy[1]!.at - busy[0]!.at).toBeGreaterThanOrEqual(990);
      const log = await store.db.selectFrom('fetch_log').selectAll().execute();
      const byUrl = (suffix: string) => log.find((l) => l.url.endsWith(suffix))!;
      expect(byUrl('/slow/t20250115_9.html')).toMatchObject({ outcome: 'failed' });
      expect(byUrl('/slow/t20250115_9.html').error).toMatch(/Timeout|timeout/);
      expect(byUrl('/loop1/t20250115_3.html').error).toMatch(/redirect loop/);
      // The chain ends at a URL this run already fetched: recorded as that URL's duplicate, not re-ingested.
      expect(byUrl('/r1/t20250115_2.html')).toMatchObject({ outcome: 'duplicate', status: 200 });
      expect(byUrl('/r1/t20250115_2.html').final_url).toMatch(/\/busy\/t20250115_1\.html$/);
      expect(s.failed).toBe(2);
    },
    30_000,
  );

  itOnce(stores)(
    'refuses a redirect to a name that resolves to a private address, without contacting it',
    async () => {
      const { store, crawl } = await setup(stores, {
        reports: [],
        routes: (req, res) => {
          if (req.url === '/zfxxgk/zfxxgknb/index.html') {
            res
              .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
              .end('<a href="/go/t20250115_1.html">测试局2024年政府信息公开工作年度报告</a>');
            return true;
          }
          if (req.url === '/go/t20250115_1.html') {
            res.writeHead(302, { location: 'http://intranet.example/admin/report.html' }).end();
            return true;
          }
          return false;
        },
      });
      await crawl();
      const row = await store.db
        .selectFrom('fetch_log')
        .selectAll()
        .where('url', 'like', '%/go/%')
        .executeTakeFirstOrThrow();
      expect(row.outcome).toBe('failed');
      expect(row.error).toMatch(/refused to connect to intranet\.example: private or reserved address 10\.0\.0\.5/);
    },
    30_000,
  );

  it('fetches one spelling of each URL, and refuses an oversized file', async () => {
    const { site, store, crawl } = await setup(stores, {
      reports: [],
      routes: (req, res) => {
        const u = req.url ?? '';
        if (u === '/zfxxgk/zfxxgknb/index.html') {
          const same = [
            '/a/t20250115_1.html',
            '/a/t20250115_1.html#top',
            '/a/./t20250115_1.html',
            '/a/t20250115_1.html?utm_source=list',
            'http://127.0.0.1:PORT/a/t20250115_1.html'.replace('PORT', String(req.socket.localPort)),
          ];
          res
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
            .end(
              same.map((l) => `<a href="${l}">测试局2024年政府信息公开工作年度报告</a>`).join('') +
                '<a href="/big/report.pdf">测试局2023年政府信息公开工作年度报告.pdf</a>',
            );
          return true;
        }
        if (u === '/a/t20250115_1.html') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>测试局2024年政府信息公开工作年度报告</h1>');
          return true;
        }
        if (u === '/big/report.pdf') {
          res
            .writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(2_000_000) })
            .end(Buffer.alloc(2_000_000));
          return true;
        }
        return false;
      },
    });
    await crawl({ fetch: { maxBytes: 1_000_000, timeoutMs: 2000 } });
    expect(paths(site).filter((p) => p === '/a/t20250115_1.html')).toHaveLength(1);
    const big = await store.db
      .selectFrom('fetch_log')
      .selectAll()
      .where('url', 'like', '%/big/%')
      .executeTakeFirstOrThrow();
    expect(big).toMatchObject({ outcome: 'failed' });
    expect(big.error).toMatch(/too large/);
  }, 30_000);

  it('stops at --max-requests and resumes without refetching what completed', async () => {
    const { site, crawl } = await setup(stores, {}, 9);
    const first = await crawl({ maxRequests: 6 });
    expect(first.complete).toBe(false);
    const done1 = new Set(paths(site).filter((p) => p !== '/robots.txt'));
    const before = site.requests.length;
    const second = await crawl();
    expect(second).toMatchObject({ resumed: true, complete: true });
    const again = site.requests
      .slice(before)
      .map((r) => r.path)
      .filter((p) => p !== '/robots.txt' && done1.has(p));
    expect(again).toEqual([]);
  }, 30_000);
});

describeStores('many hosts at once', (stores) => {
  // On Postgres fewer hosts: enough concurrent writers to prove the store takes them in parallel.
  const hosts = stores.kind === 'sqlite' ? 50 : 12;
  it(`${hosts} hosts × 20 pages: hosts in parallel, each host sequential, in about the time of the slowest host`, async () => {
    const sites = await Promise.all(
      Array.from({ length: hosts }, () => startSite({ reports: demoReports(19), perPage: 20, latency: () => 10 })),
    );
    cleanup.push(async () => {
      await Promise.all(sites.map((s) => s.close()));
    });
    const store = await stores.open();
    cleanup.push(() => store.close());
    const sources: Source[] = sites.map((s, i) => ({ id: `s${i}`, agency: `示例${i}`, entry: [s.entry] }));
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const c = new Crawler(store, sources, { ...FAST, throttle: { minDelayMs: 20, maxDelayMs: 200 } });
    const s = await c.run();
    await c.close();
    const elapsed = performance.now() - t0;
    expect(s.failed).toBe(0);
    // The same bytes from many hosts at the same moment: read once, never an ingest failure.
    expect(s.ingestFailed).toBe(0);
    for (const site of sites) {
      // Every site is crawled through, though all serve the same bytes (robots.txt, list, 19 reports).
      expect(site.requests.length).toBeGreaterThanOrEqual(21);
      const starts = site.requests.map((r) => r.at);
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(20); // one host: sequential, delayed
    }
    const slowest = Math.max(...sites.map((x) => x.requests.at(-1)!.at - x.requests[0]!.at));
    expect(elapsed).toBeLessThan(slowest * 4 + 3000);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(400 * 1024 * 1024);
  }, 120_000);
});
