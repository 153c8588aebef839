// Child process for the fleet crawl tests and bench: a fleet worker (its own store connection pool
// and queue). argv: URL [host slots (2)] [timings: fast (default) | production] [kinds: fetch,extract
// (default) | fetch | extract] [extract jobs (default: the cores)]. With fast timings a sibling
// killed with -9 is recovered within seconds. Says "ready" on stdout, "step URL" per URL crawled,
// "extract SHA reportId|failed" per extract job done (and "extracting SHA" when one starts), and on
// SIGTERM stops gracefully and prints "stopped maxRSS=<bytes>".
import type { HostCrawler } from '../../src/fleet/crawl-host.ts';
import { defaultExtractJobs, workExtracts } from '../../src/fleet/extract-job.ts';
import { workHosts } from '../../src/fleet/fleet-crawl.ts';
import { FleetQueue } from '../../src/fleet/queue.ts';
import { openStore } from '../../src/store/open.ts';
import { FLEET_FAST, HOST_FAST } from './fleet-fast.ts';

const [url, slots = '2', timings = 'fast', kinds = 'fetch,extract', extractJobs] = process.argv.slice(2);
const fast = timings === 'fast';
const store = await openStore(url!);
const queue = await FleetQueue.start(url!, fast ? FLEET_FAST : { pollingIntervalSeconds: 0.5 });
let hosts: HostCrawler | null = null;
if (kinds.includes('fetch'))
  hosts = await workHosts(store, queue, Number(slots), {
    ...(fast ? HOST_FAST : {}),
    onStep: (_host, u) => process.stdout.write(`step ${u}\n`),
  });
if (kinds.includes('extract'))
  await workExtracts(store, queue, extractJobs ? Number(extractJobs) : defaultExtractJobs(), {
    onStart: (job) => process.stdout.write(`extracting ${job.sha256}\n`),
    onDone: (job, r) => process.stdout.write(`extract ${job.sha256} ${r.failed ? 'failed' : r.reportId}\n`),
  });
process.once('SIGTERM', async () => {
  await queue.stop(5000);
  await hosts?.close();
  await store.close();
  process.stdout.write(`stopped maxRSS=${process.resourceUsage().maxRSS * 1024}\n`);
  process.exit(0);
});
process.stdout.write('ready\n');
