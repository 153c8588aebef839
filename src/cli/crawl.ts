// `nianbao crawl|run|schedule|demo|sources check`: the crawler's commands (thin).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { Cron } from 'croner';
import { Crawler, type CrawlOptions, type CrawlSummary } from '../crawl/crawl.ts';
import { lockStore, type StoreLock } from '../crawl/lock.ts';
import { loadRegistry } from '../crawl/registry.ts';
import { LIMITS } from '../settings.ts';
import { log } from '../log.ts';
import { writeQueueFile } from '../review/queue-file.ts';
import { FleetDriver } from '../fleet/fleet-crawl.ts';
import { FleetQueue } from '../fleet/queue.ts';
import { isPostgresUrl, openStore, storeLabel } from '../store/open.ts';
import { queueFileFor } from '../store/paths.ts';
import { runExport } from './export.ts';
import { withOutputErrors } from './output.ts';
import { progress } from './progress.ts';

export interface CrawlCliOptions {
  sources: string;
  db: string;
  maxRequests?: string | number;
  allowLoopback?: boolean;
  delay?: string | number;
  /** Exit 0 when some (not all) sources failed. */
  allowPartial?: boolean;
  /** Fleet mode: host jobs in the queue, this many worked here (Postgres store only). */
  workers?: string | number;
}

function crawlOptions(o: CrawlCliOptions): CrawlOptions {
  const maxRequests = o.maxRequests === undefined ? undefined : Number(o.maxRequests);
  if (maxRequests !== undefined && !(maxRequests > 0))
    throw new Error(`--max-requests must be a positive number (got ${o.maxRequests})`);
  const delay = o.delay === undefined ? undefined : Number(o.delay);
  if (delay !== undefined && !(delay >= 0)) throw new Error(`--delay must be milliseconds ≥ 0 (got ${o.delay})`);
  return {
    maxRequests,
    allowLoopback: !!o.allowLoopback,
    ...(delay !== undefined ? { throttle: { minDelayMs: delay } } : {}),
  };
}

export function describeSummary(s: CrawlSummary): string {
  const lines = [
    `crawl #${s.run}${s.resumed ? ' (resumed)' : ''}${s.complete ? '' : ' (stopped at the request limit; run again to continue)'}: ` +
      `found ${s.found} new URLs, fetched ${s.fetched}, unchanged ${s.unchanged}, changed ${s.changed}, new report versions ${s.newReports}, ` +
      `withdrawn ${s.withdrawn}, failed ${s.failed}, not ingested ${s.ingestFailed}, duplicates ${s.duplicates}, skipped ${s.skipped} (robots), ` +
      `requests ${s.requests}; review items opened ${s.reviewOpened}`,
  ];
  for (const f of s.failedSources)
    lines.push(`FAILED source ${f.id} (${f.agency}): all ${f.entries} entries failed; ${f.error}`);
  for (const f of s.partialSources)
    lines.push(`source ${f.id} (${f.agency}): ${f.failing} of ${f.entries} entries failed; ${f.error}`);
  for (const h of s.unreachableHosts)
    lines.push(`robots.txt unreachable: ${h.host}: ${h.reason} (its URLs are retried next run)`);
  return lines.join('\n');
}

/**
 * Exit status of a crawl: 1 when any source's entries all failed, a host was unreachable or a URL
 * failed; with --allow-partial 0 unless nothing at all could be crawled.
 */
export function crawlExitCode(s: CrawlSummary, allowPartial: boolean, sources: number): number {
  if (sources > 0 && s.failedSources.length === sources) return 1;
  const problems = s.failedSources.length + s.unreachableHosts.length + s.failed + s.ingestFailed;
  return problems > 0 && !allowPartial ? 1 : 0;
}

export async function runCrawl(o: CrawlCliOptions, extra: Partial<CrawlOptions> = {}): Promise<CrawlSummary> {
  return (await crawlWithStatus(o, extra)).summary;
}

/** The `crawl` command: the summary on stderr, the exit status by crawlExitCode. */
export async function crawlCommand(o: CrawlCliOptions): Promise<number> {
  return (await crawlWithStatus(o)).status;
}

async function crawlWithStatus(
  o: CrawlCliOptions,
  extra: Partial<CrawlOptions> = {},
): Promise<{ summary: CrawlSummary; status: number }> {
  const sources = await loadRegistry(o.sources);
  const fleet = o.workers !== undefined ? fleetWorkers(o) : null;
  const store = await openStore(o.db);
  let lock: StoreLock | null = null;
  let crawler: Crawler | null = null;
  let jobs: FleetQueue | null = null;
  let driver: FleetDriver | null = null;
  try {
    lock = await lockStore(store, 'crawl');
    const bar = progress('crawl');
    const options = crawlOptions(o);
    if (fleet !== null) {
      jobs = await FleetQueue.start(o.db);
      driver = new FleetDriver(store, jobs, {
        workers: fleet,
        run: {
          allowLoopback: options.allowLoopback ?? false,
          ...(options.throttle ? { throttle: options.throttle } : {}),
        },
        onProgress: (done, due, what) => bar.update(done, due, what),
      });
    }
    crawler = new Crawler(store, sources, {
      ...options,
      onProgress: (done, due, url) => bar.update(done, due, url),
      ...(driver ? { driver } : {}),
      ...extra,
    });
    const summary = await crawler.run();
    await jobs?.stop();
    jobs = null;
    bar.stop();
    const queue = queueFileFor(o.db);
    await withOutputErrors(queue, () => writeQueueFile(store, queue));
    process.stderr.write(`${describeSummary(summary)}\n`);
    log.info({ ...summary }, 'crawl finished');
    return { summary, status: crawlExitCode(summary, !!o.allowPartial, sources.length) };
  } finally {
    await jobs?.stop().catch(() => {});
    await driver?.close();
    await crawler?.close();
    await lock?.release();
    await store.close();
  }
}

/** --workers N: a whole number ≥ 0, a Postgres store, and no request limit (not counted across the fleet). */
function fleetWorkers(o: CrawlCliOptions): number {
  const n = Number(o.workers);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--workers must be a whole number ≥ 0 (got ${o.workers})`);
  if (!isPostgresUrl(o.db))
    throw new Error(`--workers needs a postgres:// store shared with the workers (got ${storeLabel(o.db)})`);
  if (o.maxRequests !== undefined) throw new Error('--max-requests is not available with --workers');
  return n;
}

/** `nianbao sources status`: per source, how its crawls went and which report years it yielded. */
export async function sourcesStatus(o: { db: string; json?: boolean }): Promise<number> {
  const store = await openStore(o.db, { mustExist: true });
  try {
    const lastYear = new Date().getUTCFullYear() - 1; // a year's report is published by the next January
    const rows = (await store.sourceStatus()).map((r) => {
      const expected = Array.from(
        { length: Math.max(0, lastYear - LIMITS.crawl.firstReportYear + 1) },
        (_, i) => LIMITS.crawl.firstReportYear + i,
      );
      return {
        id: r.id,
        agency: r.agency,
        entry: JSON.parse(r.entry) as string[],
        failing: r.consecutive_failures > 0,
        last_run_at: r.last_run_at,
        last_success_at: r.last_success_at,
        consecutive_failures: r.consecutive_failures,
        entries_failing: r.entries_failing,
        last_error: r.last_error,
        documents_found: r.documents_found,
        years_found: r.years,
        years_missing: expected.filter((y) => !r.years.includes(y)),
      };
    });
    if (o.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      for (const r of rows)
        process.stdout.write(
          `${r.failing ? 'FAILING' : 'ok     '} ${r.id}\t${r.agency}\tlast run ${r.last_run_at ?? 'never'}, last success ${r.last_success_at ?? 'never'}, ` +
            `${r.consecutive_failures} failures in a row, ${r.entries_failing} entries failing, ${r.documents_found} documents, ` +
            `years ${r.years_found.join(' ') || 'none'}; missing ${r.years_missing.join(' ') || 'none'}` +
            `${r.last_error ? `\n        ${r.last_error}` : ''}\n`,
        );
      if (!rows.length) process.stdout.write('no sources crawled yet\n');
    }
    return rows.some((r) => r.failing) ? 1 : 0;
  } finally {
    await store.close();
  }
}

export async function sourcesCheck(file: string): Promise<number> {
  const sources = await loadRegistry(file);
  process.stdout.write(
    `${file}: ${sources.length} sources, ${sources.reduce((n, s) => n + s.entry.length, 0)} entry URLs: valid\n`,
  );
  return 0;
}

/** Re-crawl on a cron schedule (croner) until interrupted; each run is a normal crawl. */
export async function runSchedule(o: CrawlCliOptions & { cron: string }): Promise<number> {
  await loadRegistry(o.sources); // fail now, not at 3 a.m.
  const fleet = o.workers !== undefined ? fleetWorkers(o) : null;
  // One schedule per store; each tick also takes the crawl lock (a manual crawl may be running).
  // Fleet mode (--workers): any number of schedulers; each tick is claimed in the store by one.
  const store = await openStore(o.db);
  let scheduleLock: StoreLock | null = null;
  try {
    if (fleet === null) scheduleLock = await lockStore(store, 'schedule');
  } catch (e) {
    await store.close();
    throw e;
  }
  const me = `${hostname()}:${process.pid}`;
  let running = false;
  const job = new Cron(o.cron, { protect: true }, async () => {
    if (running) return;
    running = true;
    try {
      if (fleet !== null) {
        const tick = scheduledTick(job, new Date());
        if (!(await store.claimTick(`${o.cron} @ ${tick.toISOString()}`, me, new Date().toISOString()))) {
          process.stderr.write(`tick ${tick.toISOString()}: run by another scheduler\n`);
          return;
        }
      }
      await runCrawl(o);
    } catch (e) {
      process.stderr.write(`nianbao: scheduled crawl failed: ${(e as Error).message}\n`);
    } finally {
      running = false;
      process.stderr.write(`next crawl at ${job.nextRun()?.toISOString() ?? 'never'}\n`);
    }
  });
  process.stderr.write(
    `scheduled "${o.cron}": next crawl at ${job.nextRun()?.toISOString() ?? 'never'} (Ctrl-C to stop)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  job.stop();
  await scheduleLock?.release();
  await store.close();
  return 0;
}

/**
 * The cron time a tick belongs to: the latest scheduled time not after now (+1 s, for a timer that
 * fires a hair early), so schedulers whose timers fire at slightly different moments agree.
 */
export function scheduledTick(job: Cron, now: Date): Date {
  const runs = job.nextRuns(61, new Date(now.getTime() - 61_000)).filter((d) => d.getTime() <= now.getTime() + 1000);
  return runs.at(-1) ?? now;
}

/** A simulated government site on 127.0.0.1, crawled end to end: crawl → records → review → export. */
export async function runDemo(o: { db: string; out?: string }): Promise<number> {
  const { startSite, demoReports } = await import('../demo/site.ts');
  const site = await startSite({
    reports: demoReports(),
    perPage: 5,
    robots: 'User-agent: *\nDisallow: /admin/\nCrawl-delay: 0.05\n',
    trap: true,
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-demo-'));
  const sources = path.join(dir, 'demo-sources.json');
  writeFileSync(
    sources,
    JSON.stringify({ sources: [{ id: 'demo', agency: '示例市人民政府', entry: [site.entry] }] }, null, 2),
  );
  process.stderr.write(`demo site at ${site.entry}\n`);
  try {
    await runCrawl({ sources, db: o.db, allowLoopback: true, delay: '50' });
    // The data package (CSV + datapackage.json) in a folder beside the store; --out FILE.csv: long cells only.
    const out = o.out ?? path.join(path.dirname(path.resolve(o.db)), 'package');
    await runExport({ db: o.db, format: 'csv', out });
    process.stderr.write(`review queue: ${queueFileFor(o.db)}\nnext: npx nianbao review list --db ${o.db}\n`);
    return 0;
  } finally {
    await site.close();
  }
}
