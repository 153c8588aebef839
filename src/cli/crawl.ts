// `nianbao crawl|run|schedule|demo|sources check`: the crawler's commands (thin).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cron } from 'croner';
import { Crawler, type CrawlOptions, type CrawlSummary } from '../crawl/crawl.ts';
import { loadRegistry } from '../crawl/registry.ts';
import { log } from '../log.ts';
import { writeQueueFile } from '../review/queue-file.ts';
import { openStore } from '../store/open.ts';
import { outputDirFor, queueFileFor } from '../store/paths.ts';
import { runExport } from './export.ts';
import { progress } from './progress.ts';

export interface CrawlCliOptions {
  sources: string;
  db: string;
  maxRequests?: string;
  allowLoopback?: boolean;
  delay?: string;
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
  return (
    `crawl #${s.run}${s.resumed ? ' (resumed)' : ''}${s.complete ? '' : ' (stopped at the request limit; run again to continue)'}: ` +
    `found ${s.found} new URLs, fetched ${s.fetched}, unchanged ${s.unchanged}, changed ${s.changed}, new report versions ${s.newReports}, ` +
    `withdrawn ${s.withdrawn}, failed ${s.failed}, skipped ${s.skipped} (robots), requests ${s.requests}; review items opened ${s.reviewOpened}`
  );
}

export async function runCrawl(o: CrawlCliOptions, extra: Partial<CrawlOptions> = {}): Promise<CrawlSummary> {
  const sources = await loadRegistry(o.sources);
  const store = await openStore(o.db);
  const bar = progress('crawl');
  const crawler = new Crawler(store, sources, {
    ...crawlOptions(o),
    onProgress: (done, due, url) => bar.update(done, due, url),
    ...extra,
  });
  try {
    const summary = await crawler.run();
    bar.stop();
    await writeQueueFile(store, queueFileFor(o.db));
    process.stderr.write(`${describeSummary(summary)}\n`);
    log.info({ ...summary }, 'crawl finished');
    return summary;
  } finally {
    await crawler.close();
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
  let running = false;
  const job = new Cron(o.cron, { protect: true }, async () => {
    if (running) return;
    running = true;
    try {
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
  return 0;
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
    const out = o.out ?? path.join(outputDirFor(o.db), 'cells.csv');
    await runExport({ db: o.db, format: 'csv', out });
    process.stderr.write(`review queue: ${queueFileFor(o.db)}\nnext: npx nianbao review list --db ${o.db}\n`);
    return 0;
  } finally {
    await site.close();
  }
}
