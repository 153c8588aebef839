// The fleet crawl's coordinator side (`nianbao crawl --db postgres://… --workers N`): the run's
// registry and options go into the store, one `crawl-host` job per host with due URLs goes into the
// queue, N local host slots and the local extract jobs (and any `nianbao worker` elsewhere) work
// them, and a sweep re-queues hosts left without a job (links that named a new host, a job that
// ended while another was adding URLs) until no URL of the run is due. Then it waits for the run's
// extract jobs, records those that failed for good as the run's ingest failures, and sums up the
// run from the store: outcomes from the fetch log, the rest from the counts every worker added.
import type { CrawlDriver } from '../crawl/crawl.ts';
import type { Source } from '../crawl/registry.ts';
import { ingestFailure, type StepCounters } from '../crawl/step.ts';
import { LIMITS } from '../settings.ts';
import type { Store } from '../store/store.ts';
import { type FleetRunOptions, HostCrawler, type HostCrawlerOptions } from './crawl-host.ts';
import { defaultExtractJobs, workExtracts } from './extract-job.ts';
import type { FleetQueue } from './queue.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Take `crawl-host` jobs from the queue, `concurrency` hosts at a time in this process. */
export async function workHosts(
  store: Store,
  queue: FleetQueue,
  concurrency: number,
  opts: HostCrawlerOptions = {},
): Promise<HostCrawler> {
  const crawler = new HostCrawler(store, queue, opts);
  await queue.work('crawl-host', concurrency, async (job) => {
    await crawler.crawlHost(job, (j) => queue.enqueueHosts([j]));
  });
  return crawler;
}

/**
 * Extract jobs of the run that failed for good (retries spent, or their workers kept dying) are the
 * run's ingest failures, recorded against their URLs as a job records an unreadable document.
 * Returns how many were new.
 */
export async function recordFailedExtracts(store: Store, queue: FleetQueue, runId: number): Promise<number> {
  const at = new Date().toISOString();
  let n = 0;
  for (const f of await queue.failedOfRun('extract', runId))
    if (f.data.crawlUrl && (await store.recordIngestFailure(f.data.crawlUrl, runId, ingestFailure(f.error), at))) n++;
  return n;
}

export interface FleetDriverOptions {
  run: FleetRunOptions;
  /** Host jobs worked in this process at once (0: only other workers crawl). */
  workers: number;
  /** Extract jobs worked in this process at once (default: its cores when `workers` > 0, else none). */
  extractJobs?: number;
  hostCrawler?: HostCrawlerOptions;
  sweepMs?: number;
  /** Sweeps in a row that find due URLs but no progress before the run is left incomplete. */
  maxIdleSweeps?: number;
  /** URLs done, and what the run is waiting for (e.g. extract jobs left). */
  onProgress?: (done: number, due: number, what: string) => void;
}

export class FleetDriver implements CrawlDriver {
  private local: HostCrawler | null = null;

  constructor(
    private readonly store: Store,
    private readonly queue: FleetQueue,
    private readonly o: FleetDriverOptions,
  ) {}

  async run(runId: number, sources: Source[]) {
    await this.store.saveCrawlRunConfig(runId, JSON.stringify(sources), JSON.stringify(this.o.run));
    if (this.o.workers > 0) this.local = await workHosts(this.store, this.queue, this.o.workers, this.o.hostCrawler);
    const extractJobs = this.o.extractJobs ?? (this.o.workers > 0 ? defaultExtractJobs() : 0);
    if (extractJobs > 0) await workExtracts(this.store, this.queue, extractJobs);
    const sweepMs = this.o.sweepMs ?? LIMITS.fleet.sweepMs;
    let last = -1;
    let idle = 0;
    let stopped = false;
    await this.queue.enqueueHosts((await this.store.dueHosts(runId)).map((host) => ({ host, runId })));
    for (;;) {
      await sleep(sweepMs);
      const done = await this.urlsDone(runId);
      if ((await this.queue.pending('crawl-host')) > 0) {
        this.o.onProgress?.(done, done, '');
        continue;
      }
      const due = await this.store.dueHosts(runId);
      if (!due.length) break;
      // A URL whose outcome can never be recorded must not keep the crawl going forever.
      idle = done === last ? idle + 1 : 0;
      last = done;
      if (idle >= (this.o.maxIdleSweeps ?? 3)) {
        stopped = true;
        break;
      }
      await this.queue.enqueueHosts(due.map((host) => ({ host, runId })));
    }
    // The documents handed to extract jobs are read before the run is summed up (with no extract
    // worker anywhere this waits, and says so).
    for (;;) {
      const left = await this.queue.pendingOfRun('extract', runId);
      if (!left) break;
      const done = await this.urlsDone(runId);
      this.o.onProgress?.(done, done, `${left} document(s) waiting for extract workers`);
      await sleep(sweepMs);
    }
    await recordFailedExtracts(this.store, this.queue, runId);
    const counts = await this.store.crawlRunCounts(runId);
    return {
      stopped,
      counters: await this.counters(runId, counts),
      reviewOpened: counts.get('reviewOpened') ?? 0,
      unreachable: await this.store.unreachableRobots(runId),
    };
  }

  async close(): Promise<void> {
    await this.local?.close();
  }

  /** URLs of the run with an outcome (every worker's: the store's fetch log). */
  private async urlsDone(runId: number): Promise<number> {
    const { outcomes } = await this.store.runOutcomes(runId);
    return [...outcomes.values()].reduce((a, b) => a + b, 0);
  }

  /** Outcomes from the store's fetch log, the rest from the run's counts (every worker's, both in the store). */
  private async counters(runId: number, counts: Map<string, number>): Promise<StepCounters> {
    const { outcomes, answered } = await this.store.runOutcomes(runId);
    const n = (k: string) => outcomes.get(k) ?? 0;
    const c = (k: keyof StepCounters) => counts.get(k) ?? 0;
    return {
      found: c('found'),
      fetched: answered,
      unchanged: n('unchanged') + n('not_modified'),
      changed: n('changed'),
      withdrawn: c('withdrawn'),
      failed: n('failed'),
      skipped: n('skipped'),
      duplicates: n('duplicate'),
      newReports: c('newReports'),
      requests: c('requests'),
      ingestFailed: n('ingest_failed'),
    };
  }
}
