// The fleet crawl on Postgres: simulated portals on several loopback addresses (127.0.0.2 …), each
// asking for a Crawl-delay, crawled by three workers with their own connection pools. Measured at
// the servers: no two requests to one host overlap, no gap between them is shorter than the
// Crawl-delay, every path (robots.txt included) is asked for exactly once. Then the same crawl with
// three worker processes, one killed with -9 mid-run: the crawl completes and the store holds
// exactly what the undisturbed crawl stored (documents, runs, reports, findings, review items).
// Fetch and extract apart: a fetch-only worker process never extracts (the extract worker does all
// of it), the summary counts what the other processes did, an unreadable document is the run's
// visible failure, and an extract worker killed with -9 mid-job has its job retried, nothing twice.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Crawler, type CrawlSummary } from '../../src/crawl/crawl.ts';
import { demoReports, type Site, type SiteReport, startSite } from '../../src/demo/site.ts';
import type { HostCrawler } from '../../src/fleet/crawl-host.ts';
import { workExtracts } from '../../src/fleet/extract-job.ts';
import { FleetDriver, workHosts } from '../../src/fleet/fleet-crawl.ts';
import { FleetQueue } from '../../src/fleet/queue.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { BIN, runCli } from '../cli/run-cli.ts';
import { brokenReport } from '../helpers/broken-report.ts';
import { FLEET_FAST, HOST_FAST } from '../helpers/fleet-fast.ts';
import { createTestDatabase, dropTestDatabase, postgresAvailable } from '../helpers/stores.ts';

const CHILD = path.resolve('tests/helpers/fleet-worker-child.ts');
const CITIES = ['东山', '西河', '南岭', '北川', '中原', '青山'];
const CRAWL_DELAY_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One portal per loopback address, its own bodies (so reports never collide across sites). */
async function portals(): Promise<Site[]> {
  return Promise.all(
    CITIES.map((city, i) =>
      startSite({
        host: `127.0.0.${i + 2}`,
        reports: demoReports(5).map((r): SiteReport => ({ ...r, agency: r.agency.replace('示例', city) })),
        perPage: 3,
        robots: `User-agent: *\nCrawl-delay: ${CRAWL_DELAY_MS / 1000}\n`,
        latency: () => 15, // a request takes time: overlapping requests would show
      }),
    ),
  );
}

function registry(sites: Site[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-fleet-')), 'sources.json');
  const sources = sites.map((s, i) => ({ id: `city${i}`, agency: `${CITIES[i]}市人民政府`, entry: [s.entry] }));
  writeFileSync(file, JSON.stringify({ sources }));
  return file;
}

/** A worker process (tests/helpers/fleet-worker-child.ts) of these job kinds; resolves once it is ready. */
function spawnWorker(
  url: string,
  children: ChildProcess[],
  kinds = 'fetch,extract',
  extractJobs = '1',
): Promise<{ child: ChildProcess; out: () => string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, url, '2', 'fast', kinds, extractJobs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve({ child: c, out: () => out });
    });
    c.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

/** Processes started by this one (an extract worker keeps its reader children alive between jobs). */
const childPids = (pid: number): number[] => {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim())
      .map(Number);
  } catch {
    return []; // ps exits 1 when there are none
  }
};

/** The coordinator: enqueue one job per host and wait, no local workers (the workers are separate). */
async function coordinate(url: string, sites: Site[], said: string[] = []): Promise<CrawlSummary> {
  const store = await openStore(url);
  const queue = await FleetQueue.start(url, FLEET_FAST);
  const driver = new FleetDriver(store, queue, {
    workers: 0,
    run: { allowLoopback: true, throttle: { minDelayMs: 0 } },
    sweepMs: 300,
    onProgress: (_done, _due, what) => {
      if (what) said.push(what);
    },
  });
  const sources = sites.map((s, i) => ({ id: `city${i}`, agency: `${CITIES[i]}市人民政府`, entry: [s.entry] }));
  const crawler = new Crawler(store, sources, { allowLoopback: true, driver });
  try {
    return await crawler.run();
  } finally {
    await crawler.close();
    await queue.stop(2000);
    await store.close();
  }
}

function checkPoliteness(sites: Site[]) {
  for (const site of sites) {
    const reqs = [...site.requests].sort((a, b) => a.at - b.at);
    expect(reqs.length).toBeGreaterThan(5);
    for (let i = 1; i < reqs.length; i++) {
      const prev = reqs[i - 1]!;
      const gap = reqs[i]!.at - prev.doneAt!;
      // No overlap (gap ≥ 0) and never faster than Crawl-delay (1 ms: clock rounding).
      expect(gap, `${site.origin}: ${prev.path} → ${reqs[i]!.path}`).toBeGreaterThanOrEqual(CRAWL_DELAY_MS - 1);
    }
  }
}

const available = postgresAvailable();
describe.skipIf(!available && process.env.CI !== 'true')('fleet crawl (Postgres, several workers)', () => {
  let sites: Site[] = [];
  const dbs: string[] = [];
  const children: ChildProcess[] = [];
  let baseline: Awaited<ReturnType<Store['rowCounts']>> | null = null;
  beforeAll(async () => {
    if (!available) throw new Error('CI=true but DATABASE_URL is not set');
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(sites.map((s) => s.close()));
    for (const url of dbs) await dropTestDatabase(url);
  });
  /** A new database (dropped at the end). */
  const freshDatabase = async () => {
    const url = await createTestDatabase();
    dbs.push(url);
    return url;
  };
  /** New portals (their request logs empty) and a new database, for another crawl of the same sites. */
  const freshCrawl = async () => {
    await Promise.all(sites.map((s) => s.close()));
    sites = await portals();
    return freshDatabase();
  };
  /** The crawl stored what the undisturbed first crawl stored, row for row. */
  const expectBaselineRows = async (url: string) => {
    const store = await openStore(url);
    try {
      expect(await store.rowCounts()).toEqual(baseline);
    } finally {
      await store.close();
    }
  };

  it('three workers: no overlap and no short gap on any host, every path fetched once', async () => {
    const url = await freshCrawl();
    // Three workers, each with its own store pool and queue connection.
    const workers: Array<{ store: Store; queue: FleetQueue; hosts: HostCrawler }> = [];
    for (let i = 0; i < 3; i++) {
      const store = await openStore(url);
      const queue = await FleetQueue.start(url, FLEET_FAST);
      workers.push({ store, queue, hosts: await workHosts(store, queue, 2, HOST_FAST) });
      await workExtracts(store, queue, 1);
    }
    let summary: CrawlSummary;
    try {
      summary = await coordinate(url, sites);
    } finally {
      for (const w of workers) {
        await w.queue.stop(2000);
        await w.hosts.close();
      }
    }
    expect(summary.complete).toBe(true);
    expect(summary.failed + summary.ingestFailed).toBe(0);
    checkPoliteness(sites);
    for (const site of sites) {
      const paths = site.requests.map((r) => r.path);
      expect(paths.filter((p) => p === '/robots.txt')).toHaveLength(1);
      expect(new Set(paths).size, `${site.origin} asked twice for a path`).toBe(paths.length);
    }
    // Every worker took part.
    const run = summary.run;
    for (const w of workers) expect(w.hosts.counters.get(run)?.requests ?? 0).toBeGreaterThan(0);
    const requests = sites.reduce((n, s) => n + s.requests.length, 0);
    expect(summary.fetched).toBe(requests - sites.length); // all but the robots.txt
    const store = await openStore(url);
    try {
      baseline = await store.rowCounts();
      expect(baseline.reports).toBe(CITIES.length * 5);
      expect(baseline.review_items).toBeGreaterThan(0); // the demo reports carry a publisher's slip
    } finally {
      for (const w of workers) await w.store.close();
      await store.close();
    }
  }, 180_000);

  it('`nianbao crawl --workers 1` with a `nianbao worker --kinds fetch`: the usual summary, complete, polite', async () => {
    const url = await freshCrawl();
    const worker = spawn(process.execPath, [BIN, 'worker', '--db', url, '--kinds', 'fetch', '--concurrency', '4'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(worker);
    let workerErr = '';
    worker.stderr!.on('data', (d: Buffer) => {
      workerErr += d.toString();
    });
    while (!workerErr.includes('worker on ')) await sleep(50);
    const r = await runCli([
      'crawl',
      '--sources',
      registry(sites),
      '--db',
      url,
      '--workers',
      '1',
      '--allow-loopback',
      '--delay',
      '0',
    ]);
    worker.kill('SIGTERM');
    expect(await new Promise((res) => worker.on('exit', res))).toBe(0);
    // The worker on its own crawled some of the hosts.
    expect(Number(/worker stopped: 0 job\(s\) done, (\d+) URL\(s\) crawled/.exec(workerErr)?.[1])).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/crawl #1: found \d+ new URLs, fetched (\d+), .*failed 0, not ingested 0/);
    const fetched = Number(/fetched (\d+)/.exec(r.stderr)![1]);
    expect(fetched).toBe(sites.reduce((n, s) => n + s.requests.length, 0) - sites.length);
    expect(r.code).toBe(0);
    checkPoliteness(sites);
    await expectBaselineRows(url);
  }, 180_000);

  it('a worker process killed with -9 mid-run: the crawl completes, nothing stored twice', async () => {
    expect(baseline).not.toBeNull();
    const url = await freshCrawl();
    // One at a time: three first starts of pg-boss at once may race.
    const victim = (await spawnWorker(url, children)).child;
    await spawnWorker(url, children);
    await spawnWorker(url, children);
    let victimSteps = 0;
    victim.stdout!.on('data', (d: Buffer) => {
      victimSteps += d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('step ')).length;
    });
    const crawl = coordinate(url, sites);
    // Kill one worker once the crawl is well under way (some reports fetched, most not).
    const t0 = Date.now();
    while (sites.reduce((n, s) => n + s.requests.length, 0) < 15 || victimSteps === 0) {
      if (Date.now() - t0 > 60_000) throw new Error('the crawl did not start');
      await sleep(20);
    }
    victim.kill('SIGKILL');
    const killedAt = Date.now();
    const summary = await crawl;
    // The victim's job was taken over: the crawl went on past the kill.
    expect(sites.some((s) => s.requests.some((r) => r.at > killedAt))).toBe(true);
    expect(summary.complete).toBe(true);
    checkPoliteness(sites);
    await expectBaselineRows(url);
  }, 240_000);

  it('a fetch-only worker never extracts; the extract worker reads every document; the summary counts both', async () => {
    const url = await freshCrawl();
    const fetcher = await spawnWorker(url, children, 'fetch');
    const extractor = await spawnWorker(url, children, 'extract', '2');
    // The coordinator works nothing itself: every count in its summary comes from the two workers.
    const summary = await coordinate(url, sites);
    expect(summary).toMatchObject({ complete: true, failed: 0, ingestFailed: 0 });
    const store = await openStore(url);
    try {
      const counts = await store.rowCounts();
      expect(counts).toEqual(baseline);
      // Every document was read in the extract worker, once; the fetch worker started no reader at all.
      const extracted = extractor.out().match(/^extract [0-9a-f]{64} \d+$/gm) ?? [];
      expect(extracted).toHaveLength(counts.runs);
      expect(fetcher.out()).toMatch(/^step /m);
      expect(fetcher.out()).not.toMatch(/^extract/m);
      expect(childPids(fetcher.child.pid!)).toEqual([]);
      expect(childPids(extractor.child.pid!).length).toBeGreaterThan(0);
      // The summary is the fleet's: what the servers saw, what the store holds.
      const frontier = await store.db.selectFrom('frontier').select('url').execute();
      expect(summary.requests).toBe(sites.reduce((n, s) => n + s.requests.length, 0));
      expect(summary.found).toBe(frontier.length);
      expect(summary.newReports).toBe(counts.runs);
      expect(summary.reviewOpened).toBe(counts.review_items);
    } finally {
      await store.close();
      for (const w of [fetcher, extractor]) w.child.kill('SIGTERM');
    }
  }, 180_000);

  it('an extract worker killed with -9 mid-job: its job runs again elsewhere, nothing stored twice', async () => {
    expect(baseline).not.toBeNull();
    const url = await freshCrawl();
    await spawnWorker(url, children, 'fetch');
    const victim = await spawnWorker(url, children, 'extract', '1');
    const said: string[] = [];
    const crawl = coordinate(url, sites, said);
    const t0 = Date.now();
    let sha: string | undefined;
    while (!(sha = /^extracting ([0-9a-f]{64})$/m.exec(victim.out())?.[1])) {
      if (Date.now() - t0 > 60_000) throw new Error('no extract job started');
      await sleep(5);
    }
    const readers = childPids(victim.child.pid!);
    victim.child.kill('SIGKILL');
    for (const pid of readers) process.kill(pid, 'SIGKILL'); // its reader, orphaned
    // The job was in flight, not done, when its worker died.
    expect(victim.out()).not.toContain(`extract ${sha} `);
    // With no extract worker left the coordinator waits, and says what for.
    const t1 = Date.now();
    while (!said.some((w) => /^\d+ document\(s\) waiting for extract workers$/.test(w))) {
      if (Date.now() - t1 > 60_000) throw new Error(`the coordinator did not say it waits: ${said.slice(-3)}`);
      await sleep(50);
    }
    const survivor = await spawnWorker(url, children, 'extract', '2');
    const summary = await crawl;
    expect(summary).toMatchObject({ complete: true, failed: 0, ingestFailed: 0 });
    expect(survivor.out()).toMatch(new RegExp(`^extract ${sha} \\d+$`, 'm'));
    const store = await openStore(url);
    try {
      expect(await store.rowCounts()).toEqual(baseline);
    } finally {
      await store.close();
      survivor.child.kill('SIGTERM');
    }
  }, 180_000);

  it("an unreadable document is the run's failure: recorded, visible, exit 1; the next run reads it again", async () => {
    const report = brokenReport();
    const site = await startSite({
      reports: [],
      routes: report.routes,
    });
    const url = await freshDatabase();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-fleet-')), 'sources.json');
    writeFileSync(file, JSON.stringify({ sources: [{ id: 's', agency: '示例市司法局', entry: [site.entry] }] }));
    const crawl = () =>
      runCli(['crawl', '--sources', file, '--db', url, '--workers', '1', '--allow-loopback', '--delay', '0']);
    try {
      const first = await crawl();
      expect(first.stderr).toMatch(/crawl #1: .*new report versions 0, .*failed 0, not ingested 1,/);
      expect(first.code).toBe(1);
      const store = await openStore(url);
      try {
        const row = await store.db
          .selectFrom('frontier')
          .selectAll()
          .where('url', 'like', '%/x/report.pdf')
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({ state: 'pending', sha256: null, etag: null, run_id: 1 });
        expect(row.error).toMatch(/^ingest: /);
        const failures = await store.listFailures();
        expect(failures).toHaveLength(1);
        expect(failures[0]!.location).toMatch(/\/x\/report\.pdf$/);
        const log = await store.db.selectFrom('fetch_log').select(['url', 'outcome']).where('run_id', '=', 1).execute();
        expect(log.filter((l) => l.outcome === 'ingest_failed').map((l) => l.url)).toEqual([row.url]);
        expect((await store.rowCounts()).runs).toBe(0);
      } finally {
        await store.close();
      }
      report.mend();
      const before = site.requests.length;
      const second = await crawl();
      expect(second.stderr).toMatch(/crawl #2: .*new report versions 1, .*failed 0, not ingested 0,/);
      expect(second.code).toBe(0);
      const again = site.requests.slice(before).filter((r) => r.path === '/x/report.pdf');
      expect(again).toHaveLength(1);
      expect(again[0]!.ifNoneMatch).toBeNull(); // fetched in full, not conditionally
    } finally {
      await site.close();
    }
  }, 120_000);
});
