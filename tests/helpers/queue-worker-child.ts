// Child process for the queue tests: a worker that takes extract jobs, says so on stdout, and never
// finishes them (the test kills it with -9 mid-job).
import { FleetQueue } from '../../src/fleet/queue.ts';

const q = await FleetQueue.start(process.argv[2]!, {
  extractExpireSeconds: 2,
  retryDelaySeconds: 0,
  pollingIntervalSeconds: 0.5,
  maintenanceIntervalSeconds: 1,
});
await q.work('extract', 1, async (data, job) => {
  process.stdout.write(`started ${data.sha256} ${job.retryCount}\n`);
  await new Promise(() => {}); // hangs: the job is only ever finished elsewhere
});
process.stdout.write('ready\n');
