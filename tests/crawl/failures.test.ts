// Failures are loud and kept: portals that only serve what they link to, entries that are gone,
// outages (robots.txt unreachable, DNS), loopback refusals, real Disallows re-checked, the total
// request deadline, and the store lock. Everything on 127.0.0.1; names resolve through an injected
// lookup.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { describeSummary, crawlExitCode } from '../../src/cli/crawl.ts';
import { Crawler, type CrawlOptions } from '../../src/crawl/crawl.ts';
import { Fetcher } from '../../src/crawl/fetch.ts';
import { lockStore, StoreLockedError } from '../../src/crawl/lock.ts';
import type { Source } from '../../src/crawl/registry.ts';
import type { Resolver } from '../../src/crawl/ssrf.ts';
import { demoReports, startSite, type Site } from '../../src/demo/site.ts';
import type { Store } from '../../src/store/store.ts';
import { brokenReport } from '../helpers/broken-report.ts';
import { describeStores, type Stores } from '../helpers/stores.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const FAST: CrawlOptions = {
  allowLoopback: true,
  throttle: { minDelayMs: 5, maxDelayMs: 500 },
  fetch: { timeoutMs: 2000, backoffMs: 20, maxWaitMs: 1000, retries: 1 },
};

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const tmp = (p: string) => mkdtempSync(path.join(tmpdir(), p));
async function openStore(stores: Stores, target?: string) {
  const store = await stores.open(target);
  cleanup.push(() => store.close());
  return { store };
}
async function site(opts: Parameters<typeof startSite>[0]): Promise<Site> {
  const s = await startSite(opts);
  cleanup.push(() => s.close());
  return s;
}
async function crawl(store: Store, sources: Source[], opts: CrawlOptions = {}) {
  const c = new Crawler(store, sources, { ...FAST, ...opts });
  try {
    return await c.run();
  } finally {
    await c.close();
  }
}
const reportKeys = async (store: Store) =>
  (await store.allReports())
    .filter((r) => r.kind === 'ogi_annual_report')
    .map((r) => r.report_key)
    .sort();
const expectedKeys = (n: number) =>
  demoReports(n)
    .map((r) => `${r.agency}|${r.year}`)
    .sort();

/** nianbao with the test's arguments (run in `cwd`); resolves with the exit status and output. */
async function run(args: string[], cwd?: string) {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describeStores('crawl failures', (stores) => {
  describe('URLs keep their meaning', () => {
    it('a portal that 404s …/ but serves …/index.html: every report is collected', async () => {
      const s = await site({
        reports: demoReports(8),
        perPage: 3,
        // Like many CMSs: only the paths it links to exist; a bare folder is 404.
        routes: (req, res) => {
          if (new URL(req.url ?? '/', 'http://x').pathname.endsWith('/')) {
            res.writeHead(404).end('<h1>404</h1>');
            return true;
          }
          return false;
        },
      });
      const { store } = await openStore(stores);
      const sum = await crawl(store, [{ id: 'portal', agency: '示例市人民政府', entry: [s.entry] }]);
      expect(await reportKeys(store)).toEqual(expectedKeys(8));
      expect(s.requests.some((r) => r.path.endsWith('/'))).toBe(false);
      expect(sum).toMatchObject({ failed: 0, failedSources: [], partialSources: [] });
    }, 30_000);
  });

  describe('failed sources', () => {
    it('an entry that is gone: the summary names the source, exit status 1, sources status shows it failing', async () => {
      const s = await site({ reports: demoReports(4), perPage: 5 });
      const dir = tmp('nianbao-gone-');
      const db = await stores.fresh();
      const cli = (args: string[]) => run(args, dir);
      const reg = path.join(dir, 'sources.json');
      writeFileSync(
        reg,
        JSON.stringify([
          { id: 'alive', agency: '示例市人民政府', entry: [s.entry] },
          { id: 'moved', agency: '示例县人民政府', entry: [`${s.origin}/old/zfxxgknb/index.html`] },
        ]),
      );
      const args = ['crawl', '--sources', reg, '--db', db, '--allow-loopback', '--delay', '5'];
      const first = await cli(args);
      expect(first.code).toBe(1);
      expect(first.stderr).toMatch(
        /FAILED source moved \(示例县人民政府\): all 1 entries failed; .*\/old\/zfxxgknb\/index\.html: HTTP 404/,
      );
      expect(first.stderr).not.toMatch(/FAILED source alive/);
      // --allow-partial: the failure is still named, the exit status is 0 while another source worked.
      const second = await cli([...args, '--allow-partial']);
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/FAILED source moved/);
      const status = await cli(['sources', 'status', '--json', '--db', db]);
      expect(status.code).toBe(1);
      const rows = JSON.parse(status.stdout) as Array<Record<string, unknown>>;
      const moved = rows.find((r) => r.id === 'moved')!;
      const alive = rows.find((r) => r.id === 'alive')!;
      expect(moved).toMatchObject({
        failing: true,
        consecutive_failures: 2,
        entries_failing: 1,
        last_success_at: null,
      });
      expect(moved.last_error).toMatch(/HTTP 404/);
      expect(alive).toMatchObject({ failing: false, consecutive_failures: 0, entries_failing: 0, documents_found: 4 });
      expect(alive.years_found).toEqual([...new Set(demoReports(4).map((r) => r.year))].sort());
      expect(alive.years_missing).toContain(2025);
      const { store } = await openStore(stores, db);
      expect(await store.sourceHealth()).toEqual([
        { id: 'alive', agency: '示例市人民政府', failing: false, error: null },
        { id: 'moved', agency: '示例县人民政府', failing: true, error: expect.stringMatching(/HTTP 404/) },
      ]);
      // A registry whose every source fails exits non-zero even with --allow-partial.
      const only = path.join(dir, 'only.json');
      writeFileSync(only, JSON.stringify([{ id: 'moved', agency: '示例县人民政府', entry: [`${s.origin}/old/`] }]));
      const none = await cli(['crawl', '--sources', only, '--db', db, '--allow-loopback', '--allow-partial']);
      expect(none.code).toBe(1);
    }, 120_000);

    it('a crawl during an outage exits non-zero naming the hosts; the next one collects everything', async () => {
      let down = true;
      // Host a: every path answers 503 during the outage (robots.txt too). Host b: its name does not resolve.
      const a = await site({
        reports: demoReports(3),
        routes: (_req, res) => {
          if (!down) return false;
          res.writeHead(503).end();
          return true;
        },
      });
      const b = await site({ reports: demoReports(6).slice(3), perPage: 2 });
      const resolver: Resolver = async (name) => {
        if (name === 'b.example' && down)
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
        return [{ address: '127.0.0.1', family: 4 }];
      };
      const bEntry = b.entry.replace('127.0.0.1', 'b.example');
      const sources: Source[] = [
        { id: 'a', agency: 'A', entry: [a.entry] },
        { id: 'b', agency: 'B', entry: [bEntry] },
      ];
      const { store } = await openStore(stores);
      const first = await crawl(store, sources, { resolver });
      expect(crawlExitCode(first, false, 2)).toBe(1);
      expect(crawlExitCode(first, true, 2)).toBe(1); // nothing at all was collected
      expect(first.unreachableHosts.map((h) => h.host).sort()).toEqual(
        [new URL(a.entry).host, new URL(bEntry).host].sort(),
      );
      expect(first.failedSources.map((f) => f.id).sort()).toEqual(['a', 'b']);
      const text = describeSummary(first);
      expect(text).toMatch(new RegExp(`robots.txt unreachable: ${new URL(a.entry).host}: HTTP 503`));
      expect(text).toMatch(/robots.txt unreachable: b\.example:\d+: .*ENOTFOUND/);
      expect(await reportKeys(store)).toEqual([]);
      const health1 = await store.sourceHealth();
      expect(health1.every((h) => h.failing && /robots\.txt unreachable/.test(h.error ?? ''))).toBe(true);

      down = false;
      const second = await crawl(store, sources, { resolver });
      expect(second).toMatchObject({ failed: 0, failedSources: [], unreachableHosts: [] });
      expect(crawlExitCode(second, false, 2)).toBe(0);
      expect(await reportKeys(store)).toEqual(expectedKeys(6));
      expect((await store.sourceHealth()).every((h) => !h.failing)).toBe(true);
    }, 120_000);

    it('a real Disallow is re-checked on the next run; a refused loopback says how to allow it', async () => {
      let robots = 'User-agent: *\nDisallow: /zfxxgk/\n';
      const s = await site({
        reports: demoReports(2),
        routes: (req, res) => {
          if (req.url !== '/robots.txt') return false;
          res.writeHead(200, { 'content-type': 'text/plain' }).end(robots);
          return true;
        },
      });
      const { store } = await openStore(stores);
      const sources = [{ id: 's', agency: 'S', entry: [s.entry] }];
      const first = await crawl(store, sources);
      expect(first).toMatchObject({ skipped: 1, fetched: 0 });
      expect(first.failedSources[0]?.error).toMatch(/disallowed by robots\.txt/);
      robots = 'User-agent: *\nDisallow: /admin/\n';
      const second = await crawl(store, sources);
      expect(second.skipped).toBe(0);
      expect(await reportKeys(store)).toEqual(expectedKeys(2));

      const refused = await crawl(store, sources, { allowLoopback: false });
      expect(refused.unreachableHosts[0]?.reason).toMatch(/loopback address 127\.0\.0\.1: use --allow-loopback/);
      expect(refused.failedSources[0]?.error).toMatch(/robots\.txt unreachable: .*use --allow-loopback/);
    }, 120_000);
  });

  describe('ingest failures', () => {
    it('a document whose ingest throws stays pending with its error and is retried next run', async () => {
      const report = brokenReport();
      const s = await site({
        reports: [],
        routes: report.routes,
      });
      const { store } = await openStore(stores);
      const sources = [{ id: 's', agency: '示例市司法局', entry: [s.entry] }];
      const first = await crawl(store, sources);
      expect(first.ingestFailed).toBe(1);
      expect(crawlExitCode(first, false, 1)).toBe(1);
      expect(first.failedSources).toEqual([]); // the source's entry answered: the document is what failed
      const log1 = await store.db
        .selectFrom('frontier')
        .selectAll()
        .where('url', 'like', '%/x/report.pdf')
        .executeTakeFirstOrThrow();
      expect(log1).toMatchObject({ state: 'pending', sha256: null, etag: null });
      expect(log1.error).toMatch(/^ingest: /);
      report.mend();
      const before = s.requests.length;
      const second = await crawl(store, sources);
      const again = s.requests.slice(before).filter((r) => r.path === '/x/report.pdf');
      expect(again).toHaveLength(1);
      expect(again[0]!.ifNoneMatch).toBeNull(); // fetched in full, not conditionally
      expect(second).toMatchObject({ ingestFailed: 0, newReports: 1 });
      expect(await reportKeys(store)).toEqual(['示例市司法局|2019']);
    }, 60_000);
  });

  describe('locks', () => {
    it('one crawl per store: a second gets a clear message and exit status 2; a dead holder does not block', async () => {
      const s = await site({ reports: demoReports(1) });
      const dir = tmp('nianbao-lock-');
      const db = await stores.fresh();
      const cli = (args: string[]) => run(args, dir);
      const reg = path.join(dir, 'sources.json');
      writeFileSync(reg, JSON.stringify([{ id: 's', agency: 'S', entry: [s.entry] }]));
      const { store } = await openStore(stores, db);
      const lock = await lockStore(store, 'crawl');
      const { store: other } = await openStore(stores, db);
      await expect(lockStore(other, 'crawl')).rejects.toThrow(StoreLockedError);
      const args = ['--sources', reg, '--db', db, '--allow-loopback', '--delay', '5'];
      const blocked = await cli(['crawl', ...args]);
      expect(blocked.code).toBe(2);
      expect(blocked.stderr).toMatch(
        new RegExp(`nianbao: the store is locked: a crawl is running \\(pid ${process.pid} on `),
      );
      expect(s.requests).toHaveLength(0);
      const reproc = await cli(['reprocess', '--db', db]);
      expect(reproc.code).toBe(2);
      expect(reproc.stderr).toMatch(/the store is locked/);
      await lock.release();
      // One schedule per store, too.
      const sched = await lockStore(store, 'schedule');
      const second = await cli(['schedule', ...args, '--cron', '0 3 * * 1']);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/the store is locked: a schedule is running/);
      await sched.release();
      // A holder that died without releasing (its pid is gone on this machine) is taken over.
      const gone = await store.acquireLock(
        'crawl',
        { owner: 'ghost', pid: 2 ** 22 + 12345, hostname: (await import('node:os')).hostname() },
        new Date().toISOString(),
        new Date(Date.now() - 60_000).toISOString(),
        () => true,
      );
      expect(gone.ok).toBe(true);
      const ok = await cli(['crawl', ...args]);
      expect(ok.code).toBe(0);
      expect(ok.stderr).toMatch(/crawl #1: found/);
      // A live holder elsewhere whose heartbeat stopped long ago is stale.
      await store.acquireLock(
        'crawl',
        { owner: 'remote', pid: 1, hostname: 'elsewhere' },
        '2020-01-01T00:00:00.000Z',
        '2019-01-01T00:00:00.000Z',
        () => true,
      );
      const again = await lockStore(other, 'crawl');
      await again.release();
    }, 120_000);
  });
});

describe('deadlines', () => {
  it('a server dripping a byte at a time is cut at the total deadline', async () => {
    let closedAt = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
      const t = setInterval(() => res.write('x'), 150); // never idle long enough for the idle timeout
      res.on('close', () => {
        clearInterval(t);
        closedAt = Date.now();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const f = new Fetcher({ allowLoopback: true, timeoutMs: 1000, deadlineMs: 1200, retries: 2, backoffMs: 10 });
    cleanup.push(() => f.close());
    const t0 = Date.now();
    const r = await f.fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/drip.html`);
    expect(r.error).toMatch(/deadline: no complete response within 1\.2 s/);
    expect(r.attempts).toBe(1); // a deadline is not retried within the run
    await new Promise((res) => setTimeout(res, 100));
    expect(closedAt - t0).toBeGreaterThanOrEqual(1100);
    expect(closedAt - t0).toBeLessThan(2500); // the server saw the connection closed at the deadline
  }, 20_000);
});
