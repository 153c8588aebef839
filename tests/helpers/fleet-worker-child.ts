// Child process for the fleet crawl tests: a fetch worker (its own store connection pool and queue)
// with short expiries, so a sibling killed with -9 is recovered within seconds. Says "ready" on stdout.
import { workHosts } from '../../src/fleet/fleet-crawl.ts';
import { FleetQueue } from '../../src/fleet/queue.ts';
import { openStore } from '../../src/store/open.ts';
import { FLEET_FAST, HOST_FAST } from './fleet-fast.ts';

const url = process.argv[2]!;
const store = await openStore(url);
const queue = await FleetQueue.start(url, FLEET_FAST);
await workHosts(store, queue, 2, { ...HOST_FAST, onStep: (_host, u) => process.stdout.write(`step ${u}\n`) });
process.stdout.write('ready\n');
