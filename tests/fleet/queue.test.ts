// The fleet queue (pg-boss on the store's Postgres): each job enqueued once runs once across
// several workers, fetch jobs never overlap on a host, a job whose worker is killed with -9 runs
// again after its expiry, and a graceful stop lets the job in flight finish.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtractJob, FleetQueue, type QueueOptions } from '../../src/fleet/queue.ts';
import { createTestDatabase, dropTestDatabase, postgresAvailable } from '../helpers/stores.ts';

const CHILD = path.resolve('tests/helpers/queue-worker-child.ts');
const FAST: QueueOptions = {
  extractExpireSeconds: 2,
  fetchExpireSeconds: 2,
  retryDelaySeconds: 0,
  pollingIntervalSeconds: 0.5,
  maintenanceIntervalSeconds: 1,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
const extractJob = (i: number): ExtractJob => ({ sha256: `sha${i}`, location: `f${i}.html` });

const available = postgresAvailable();
describe.skipIf(!available && process.env.CI !== 'true')('fleet queue (pg-boss)', () => {
  let url = '';
  const queues: FleetQueue[] = [];
  const start = async () => {
    const q = await FleetQueue.start(url, FAST);
    queues.push(q);
    return q;
  };
  beforeAll(async () => {
    if (!available) throw new Error('CI=true but DATABASE_URL is not set');
    url = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.stop(2000).catch(() => {})));
    if (url) await dropTestDatabase(url);
  });

  it('jobs enqueued once are processed once across three workers', async () => {
    const [a, b, c] = [await start(), await start(), await start()];
    const seen: string[] = [];
    for (const q of [a!, b!, c!])
      await q.work('extract', 3, async (data) => {
        seen.push(data.sha256);
        await sleep(10);
      });
    await a!.enqueueExtract(Array.from({ length: 40 }, (_, i) => extractJob(i)));
    await until(async () => seen.length >= 40 && (await a!.pending('extract')) === 0, 30_000, '40 jobs');
    await sleep(1500); // a duplicate would show up in another poll
    expect(seen.length).toBe(40);
    expect(new Set(seen).size).toBe(40);
    await Promise.all([a, b, c].map((q) => q!.stop(2000)));
  }, 60_000);

  it('one process runs up to its slots at once, never more; a job that throws is retried', async () => {
    const q = await start();
    let running = 0;
    let most = 0;
    const attempts = new Map<string, number>();
    await q.work('extract', 4, async (data, job) => {
      attempts.set(data.sha256, (attempts.get(data.sha256) ?? 0) + 1);
      running++;
      most = Math.max(most, running);
      await sleep(100);
      running--;
      if (data.sha256 === 'sha0' && job.retryCount === 0) throw new Error('first attempt fails');
    });
    await q.enqueueExtract(Array.from({ length: 12 }, (_, i) => extractJob(i)));
    await until(async () => (await q.pending('extract')) === 0 && attempts.size === 12, 30_000, '12 jobs');
    expect(most).toBe(4); // the slots were all used, and never exceeded
    expect(attempts.get('sha0')).toBe(2);
    expect([...attempts.values()].filter((n) => n !== 1)).toEqual([2]);
    await q.stop(2000);
  }, 60_000);

  it('fetch jobs of one host are never in flight together', async () => {
    const [a, b] = [await start(), await start()];
    const inFlight = new Map<string, number>();
    let overlaps = 0;
    const done: string[] = [];
    for (const q of [a!, b!])
      await q.work('fetch', 3, async (data) => {
        const n = (inFlight.get(data.host) ?? 0) + 1;
        inFlight.set(data.host, n);
        if (n > 1) overlaps++;
        await sleep(80);
        inFlight.set(data.host, (inFlight.get(data.host) ?? 1) - 1);
        done.push(data.url);
      });
    const hosts = ['a.gov.cn', 'b.gov.cn', 'c.gov.cn'];
    await a!.enqueueFetch(
      Array.from({ length: 12 }, (_, i) => ({ url: `http://${hosts[i % 3]}/r${i}.html`, host: hosts[i % 3]! })),
    );
    await until(() => done.length >= 12, 45_000, '12 fetches');
    expect(overlaps).toBe(0);
    expect(new Set(done).size).toBe(12);
    await Promise.all([a, b].map((q) => q!.stop(2000)));
  }, 60_000);

  it('a worker killed with -9 mid-job: the job runs again elsewhere after its expiry', async () => {
    const producer = await start();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise((r) => child.on('exit', r));
    await until(() => out.includes('ready'), 30_000, 'the child worker');
    await producer.enqueueExtract([extractJob(777)]);
    await until(() => out.includes('started sha777 0'), 30_000, 'the child to take the job');
    child.kill('SIGKILL');
    await exited;
    const runs: Array<{ sha: string; retry: number }> = [];
    await producer.work('extract', 1, async (data, job) => {
      runs.push({ sha: data.sha256, retry: job.retryCount });
    });
    await until(() => runs.length > 0, 30_000, 'the retry');
    expect(runs).toEqual([{ sha: 'sha777', retry: 1 }]);
    await producer.stop(2000);
  }, 90_000);

  it('a graceful stop lets the job in flight finish', async () => {
    const q = await start();
    let started = false;
    let finished = false;
    await q.work('extract', 1, async () => {
      started = true;
      await sleep(1500);
      finished = true;
    });
    await q.enqueueExtract([extractJob(900)]);
    await until(() => started, 20_000, 'the job to start');
    await q.stop(10_000);
    expect(finished).toBe(true);
    const check = await start();
    expect(await check.pending('extract')).toBe(0);
    await check.stop(2000);
  }, 60_000);
});
