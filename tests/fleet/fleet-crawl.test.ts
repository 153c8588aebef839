// The fleet crawl on Postgres: simulated portals on several loopback addresses (127.0.0.2 …), each
// asking for a Crawl-delay, crawled by three workers with their own connection pools. Measured at
// the servers: no two requests to one host overlap, no gap between them is shorter than the
// Crawl-delay, every path (robots.txt included) is asked for exactly once. Then the same crawl with
// three worker processes, one killed with -9 mid-run: the crawl completes and the store holds
// exactly what the undisturbed crawl stored (documents, runs, reports, findings, review items).
import { type ChildProcess, spawn } from 'node:child_process';
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

/** The coordinator: enqueue one job per host and wait, no local workers (the workers are separate). */
async function coordinate(url: string, sites: Site[]): Promise<CrawlSummary> {
  const store = await openStore(url);
  const queue = await FleetQueue.start(url, FLEET_FAST);
  const driver = new FleetDriver(store, queue, {
    workers: 0,
    run: { allowLoopback: true, throttle: { minDelayMs: 0 } },
    sweepMs: 300,
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

  it('three workers: no overlap and no short gap on any host, every path fetched once', async () => {
    sites = await portals();
    const url = await createTestDatabase();
    dbs.push(url);
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
    await Promise.all(sites.map((s) => s.close()));
    sites = await portals();
    const url = await createTestDatabase();
    dbs.push(url);
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
    const store = await openStore(url);
    try {
      expect(await store.rowCounts()).toEqual(baseline);
    } finally {
      await store.close();
    }
  }, 180_000);

  it('a worker process killed with -9 mid-run: the crawl completes, nothing stored twice', async () => {
    expect(baseline).not.toBeNull();
    await Promise.all(sites.map((s) => s.close()));
    sites = await portals();
    const url = await createTestDatabase();
    dbs.push(url);
    const spawnWorker = () =>
      new Promise<ChildProcess>((resolve, reject) => {
        const c = spawn(process.execPath, ['--import', 'tsx', CHILD, url], { stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(c);
        c.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve(c);
        });
        c.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
      });
    const victim = await spawnWorker(); // one at a time: three first starts of pg-boss at once may race
    await spawnWorker();
    await spawnWorker();
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
    const store = await openStore(url);
    try {
      expect(await store.rowCounts()).toEqual(baseline);
    } finally {
      await store.close();
    }
  }, 240_000);
});
