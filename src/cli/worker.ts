// `nianbao worker --db postgres://… [--concurrency N] [--extract-jobs N] [--kinds fetch,extract]`: take
// jobs from the fleet's queue (pg-boss in the store's database) until SIGINT/SIGTERM, then stop
// gracefully: jobs in flight finish, the rest stay queued for other workers. Fetch (crawl-host) jobs
// are bounded by politeness, so a worker takes many hosts at once (--concurrency); extract jobs are
// bounded by cores (--extract-jobs, default the cores). A fetch worker never extracts: it hands each
// document to an extract job.
import { availableParallelism } from 'node:os';
import type { HostCrawler } from '../fleet/crawl-host.ts';
import { defaultExtractJobs, workExtracts } from '../fleet/extract-job.ts';
import { workHosts } from '../fleet/fleet-crawl.ts';
import { FleetQueue, JOB_KINDS, type JobKind } from '../fleet/queue.ts';
import { isPostgresUrl, openStore, storeLabel } from '../store/open.ts';

/** The kinds this build can work: fetch = crawl-host jobs of a fleet crawl. */
const WORKABLE: JobKind[] = ['fetch', 'extract'];

export async function runWorker(opts: {
  db: string;
  concurrency?: string;
  extractJobs?: string;
  kinds?: string;
}): Promise<number> {
  if (!isPostgresUrl(opts.db))
    throw new Error(`--db must be a postgres:// URL: workers share a Postgres store (got ${opts.db})`);
  const concurrency = opts.concurrency === undefined ? availableParallelism() : Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`--concurrency must be a whole number ≥ 1 (got ${opts.concurrency})`);
  const extractJobs = opts.extractJobs === undefined ? defaultExtractJobs() : Number(opts.extractJobs);
  if (!Number.isInteger(extractJobs) || extractJobs < 1)
    throw new Error(`--extract-jobs must be a whole number ≥ 1 (got ${opts.extractJobs})`);
  const kinds = (opts.kinds ?? WORKABLE.join(',')).split(',').map((k) => k.trim()) as JobKind[];
  for (const k of kinds) {
    if (!JOB_KINDS.includes(k)) throw new Error(`--kinds: unknown job kind ${k} (${JOB_KINDS.join(', ')})`);
    if (!WORKABLE.includes(k)) throw new Error(`--kinds: ${k} workers are not available yet (${WORKABLE.join(', ')})`);
  }
  const store = await openStore(opts.db);
  let queue: FleetQueue | null = null;
  let hosts: HostCrawler | null = null;
  try {
    queue = await FleetQueue.start(opts.db);
    let done = 0;
    let crawled = 0;
    if (kinds.includes('fetch'))
      hosts = await workHosts(store, queue, concurrency, {
        onStep: () => {
          crawled++;
        },
      });
    if (kinds.includes('extract'))
      await workExtracts(store, queue, extractJobs, {
        onDone: () => {
          done++;
        },
      });
    const slots = kinds.map((k) => `${k} × ${k === 'fetch' ? concurrency : extractJobs}`).join(', ');
    process.stderr.write(`worker on ${storeLabel(opts.db)}: ${slots} (Ctrl-C or SIGTERM to stop)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    process.stderr.write('worker stopping: letting jobs in flight finish\n');
    await queue.stop();
    queue = null;
    process.stderr.write(`worker stopped: ${done} job(s) done${hosts ? `, ${crawled} URL(s) crawled` : ''}\n`);
    return 0;
  } finally {
    await queue?.stop().catch(() => {});
    await hosts?.close();
    await store.close();
  }
}
