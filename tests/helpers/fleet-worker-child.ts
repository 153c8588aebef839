// Child process for the fleet crawl tests and bench: a fetch worker (its own store connection pool
// and queue). argv: URL [host slots (2)] [timings: fast (default) | production]. With fast timings a
// sibling killed with -9 is recovered within seconds. Says "ready" on stdout, "step URL" per URL,
// and on SIGTERM stops gracefully and prints "stopped maxRSS=<bytes>".
import { workHosts } from '../../src/fleet/fleet-crawl.ts';
import { FleetQueue } from '../../src/fleet/queue.ts';
import { openStore } from '../../src/store/open.ts';
import { FLEET_FAST, HOST_FAST } from './fleet-fast.ts';

const [url, slots = '2', timings = 'fast'] = process.argv.slice(2);
const fast = timings === 'fast';
const store = await openStore(url!);
const queue = await FleetQueue.start(url!, fast ? FLEET_FAST : { pollingIntervalSeconds: 0.5 });
const hosts = await workHosts(store, queue, Number(slots), {
  ...(fast ? HOST_FAST : {}),
  onStep: (_host, u) => process.stdout.write(`step ${u}\n`),
});
process.once('SIGTERM', async () => {
  await queue.stop(5000);
  await hosts.close();
  await store.close();
  process.stdout.write(`stopped maxRSS=${process.resourceUsage().maxRSS * 1024}\n`);
  process.exit(0);
});
process.stdout.write('ready\n');
