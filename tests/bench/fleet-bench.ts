// `npm run bench:fleet`: simulated portals on many loopback addresses (127.0.1.1, 127.0.1.2, …),
// each asking for a Crawl-delay, crawled on Postgres by 1, 2 and 4 worker processes (a fresh
// database each time), each taking both job kinds: fetch (crawl-host) and extract. Prints per run:
// wall time against the politeness bound (the busiest host's requests × its delay), when the last
// URL was fetched and the last document extracted, documents per second extracted, and each
// worker's peak memory (the worker process; each document is read in a budgeted child besides).
// Settings: FLEET_BENCH_HOSTS (50), FLEET_BENCH_DOCS (10 per host), FLEET_BENCH_DELAY (seconds, 0.5),
// FLEET_BENCH_SLOTS (hosts per worker at a time, 16), FLEET_BENCH_EXTRACT (extract jobs per worker,
// default the cores), FLEET_BENCH_WORKERS ("1,2,4"); DATABASE_URL (default: the dev cluster
// postgres://postgres@127.0.0.1:55432/postgres).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Crawler } from '../../src/crawl/crawl.ts';
import { demoReports, type Site, startSite } from '../../src/demo/site.ts';
import { defaultExtractJobs } from '../../src/fleet/extract-job.ts';
import { FleetDriver } from '../../src/fleet/fleet-crawl.ts';
import { FleetQueue } from '../../src/fleet/queue.ts';
import { openStore } from '../../src/store/open.ts';

process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:55432/postgres';
const { createTestDatabase, dropTestDatabase } = await import('../helpers/stores.ts');

const HOSTS = Number(process.env.FLEET_BENCH_HOSTS ?? 50);
const DOCS = Number(process.env.FLEET_BENCH_DOCS ?? 10);
const DELAY_S = Number(process.env.FLEET_BENCH_DELAY ?? 0.5);
const SLOTS = Number(process.env.FLEET_BENCH_SLOTS ?? 16);
const WORKERS = (process.env.FLEET_BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const EXTRACT = process.env.FLEET_BENCH_EXTRACT ?? String(defaultExtractJobs());
const CHILD = path.resolve('tests/helpers/fleet-worker-child.ts');

async function portals(): Promise<Site[]> {
  return Promise.all(
    Array.from({ length: HOSTS }, (_, i) =>
      startSite({
        host: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
        // Own bodies per host, so no two hosts publish the same report.
        reports: demoReports(DOCS).map((r) => ({ ...r, agency: r.agency.replace('示例', `第${i + 1}`) })),
        perPage: DOCS,
        robots: `User-agent: *\nCrawl-delay: ${DELAY_S}\n`,
      }),
    ),
  );
}

function startWorker(url: string): Promise<{ child: ChildProcess; stopped: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const args = [CHILD, url, String(SLOTS), 'production', 'fetch,extract', EXTRACT];
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    const stopped = new Promise<number>((r) =>
      child.on('exit', () => r(Number(/stopped maxRSS=(\d+)/.exec(out)?.[1] ?? Number.NaN))),
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve({ child, stopped });
    });
    child.once('error', reject);
  });
}

const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
console.log(
  `fleet bench: ${HOSTS} hosts × ${DOCS} documents, Crawl-delay ${DELAY_S} s, ${SLOTS} host slots and ${EXTRACT} extract jobs per worker`,
);
for (const n of WORKERS) {
  const sites = await portals();
  const url = await createTestDatabase();
  const workers = [];
  for (let i = 0; i < n; i++) workers.push(await startWorker(url)); // one at a time: pg-boss's first start
  const store = await openStore(url);
  const queue = await FleetQueue.start(url);
  const sources = sites.map((s, i) => ({ id: `host${i}`, agency: `第${i + 1}市人民政府`, entry: [s.entry] }));
  const driver = new FleetDriver(store, queue, {
    workers: 0,
    run: { allowLoopback: true, throttle: { minDelayMs: 0 } },
    sweepMs: 250,
  });
  const crawler = new Crawler(store, sources, { allowLoopback: true, driver });
  const t0 = performance.now();
  const started = Date.now();
  const summary = await crawler.run();
  const wall = (performance.now() - t0) / 1000;
  await crawler.close();
  await queue.stop(2000);
  const counts = await store.rowCounts();
  // When the last URL was fetched and the last document extracted (fetching and extraction overlap).
  const lastAt = async (t: 'fetch_log' | 'runs', col: 'at' | 'created_at') =>
    (Date.parse(
      String(
        (
          await store.db
            .selectFrom(t)
            .select((eb) => eb.fn.max(col).as('m'))
            .executeTakeFirstOrThrow()
        ).m,
      ),
    ) -
      started) /
    1000;
  const fetchedBy = await lastAt('fetch_log', 'at');
  const extractedBy = await lastAt('runs', 'created_at');
  await store.close();
  for (const w of workers) w.child.kill('SIGTERM');
  const rss = await Promise.all(workers.map((w) => w.stopped));
  const busiest = Math.max(...sites.map((s) => s.requests.length));
  const bound = (busiest - 1) * DELAY_S;
  console.log(
    `${n} worker(s): ${wall.toFixed(1)} s wall, politeness bound ${bound.toFixed(1)} s (${busiest} requests on the busiest host) → ${(wall / bound).toFixed(2)}×; ` +
      `last fetch at ${fetchedBy.toFixed(1)} s, last extraction at ${extractedBy.toFixed(1)} s; ` +
      `${counts.runs} documents extracted, ${(counts.runs / wall).toFixed(1)} documents/s; ${counts.reports} reports; ` +
      `complete ${summary.complete}, failed ${summary.failed + summary.ingestFailed}; peak memory per worker ${rss.map(mb).join(', ')}`,
  );
  await Promise.all(sites.map((s) => s.close()));
  await dropTestDatabase(url);
}
