// The fleet's job queue: a thin wrapper over pg-boss 10 (the last release for Node 20) on the
// Postgres store's database. Two queues: `fetch` (policy singleton, singletonKey = host: at most one
// fetch per host in flight across all workers) and `extract` (standard: bounded only by the
// workers' concurrency). A job whose worker dies is retried after its expiry; handlers must be
// idempotent (documents are content-addressed and runs keyed, so a retried job adds nothing twice).
import PgBoss from 'pg-boss';
import { LIMITS } from '../settings.ts';
import type { SqlExecutor } from '../store/store.ts';

/** Fetch one URL (the crawler's unit of work; wired in with the crawl scheduler). */
export interface FetchJob {
  url: string;
  /** the politeness key: one fetch per host in flight across the fleet */
  host: string;
  [k: string]: unknown;
}

/** Extract a document already in the store, by its content address. */
export interface ExtractJob {
  sha256: string;
  /** where the bytes were seen (a path or the URL): recorded with the run */
  location: string;
  url?: string | null;
  contentType?: string | null;
  nameHint?: string | null;
  /** The registry source whose crawl found it, and that source's agency (ingest's BytesSource). */
  sourceId?: string | null;
  sourceAgency?: string | null;
  /** The page that linked to it. */
  referrer?: string | null;
  /** Read with this parser version (default: the worker's code's). */
  parserVersion?: string;
  /** A crawl's document: the crawl run, and the frontier URL a failure is recorded against. */
  runId?: number;
  crawlUrl?: string;
}

/**
 * Crawl one host's due URLs in one crawl run, one at a time, politely (the fleet crawl's unit of
 * work: one job per host, so no queue order can leave a worker waiting behind a busy host).
 */
export interface HostJob {
  host: string;
  runId: number;
}

export interface JobData {
  fetch: FetchJob;
  extract: ExtractJob;
  'crawl-host': HostJob;
}
export type QueueName = keyof JobData;
/** The kinds of work a worker can be asked for (`--kinds`): fetch workers take crawl-host jobs. */
export type JobKind = 'fetch' | 'extract';
export const JOB_KINDS: JobKind[] = ['fetch', 'extract'];

export interface QueueOptions {
  /** pg-boss's tables live in this schema of the store's database */
  schema?: string;
  fetchExpireSeconds?: number;
  extractExpireSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  pollingIntervalSeconds?: number;
  maintenanceIntervalSeconds?: number;
  onError?: (e: Error) => void;
}

export interface JobInfo {
  id: string;
  /** 0 on the first attempt */
  retryCount: number;
}

/** A job of a crawl run that ended failed (its retries spent), and pg-boss's last word on it. */
export interface FailedJob<K extends QueueName> {
  data: JobData[K];
  error: string;
}

export class FleetQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly opts: Required<Omit<QueueOptions, 'onError' | 'schema'>>,
    private readonly schema: string,
    private readonly onError: (e: Error) => void,
  ) {}

  private readonly pollers: Slots[] = [];

  /** Connect, install or upgrade pg-boss's schema, and create the two queues if missing. */
  static async start(url: string, o: QueueOptions = {}): Promise<FleetQueue> {
    const f = LIMITS.fleet;
    const opts = {
      fetchExpireSeconds: o.fetchExpireSeconds ?? f.fetchExpireSeconds,
      extractExpireSeconds: o.extractExpireSeconds ?? f.extractExpireSeconds,
      retryLimit: o.retryLimit ?? f.retryLimit,
      retryDelaySeconds: o.retryDelaySeconds ?? f.retryDelaySeconds,
      pollingIntervalSeconds: o.pollingIntervalSeconds ?? f.pollingIntervalSeconds,
      maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? f.maintenanceIntervalSeconds,
    };
    const boss = new PgBoss({
      connectionString: url,
      schema: o.schema ?? 'nianbao_queue', // a SQL identifier: our own constant or the caller's
      application_name: 'nianbao',
      maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds,
      // The fleet's cron ticks are scheduled by the crawl scheduler, not by pg-boss's timekeeper.
      schedule: false,
    });
    const onError = o.onError ?? ((e: Error) => process.stderr.write(`nianbao: queue: ${e.message}\n`));
    boss.on('error', onError);
    await boss.start();
    const q = new FleetQueue(boss, opts, o.schema ?? 'nianbao_queue', onError);
    await q.ensureQueue('fetch', { policy: 'singleton', expireInSeconds: opts.fetchExpireSeconds });
    await q.ensureQueue('extract', { policy: 'standard', expireInSeconds: opts.extractExpireSeconds });
    // Standard: a host job's exclusivity comes from its lock in the store, not from the queue.
    await q.ensureQueue('crawl-host', { policy: 'standard', expireInSeconds: opts.fetchExpireSeconds });
    return q;
  }

  private async ensureQueue(name: QueueName, o: { policy: PgBoss.QueuePolicy; expireInSeconds: number }) {
    const options = {
      ...o,
      name,
      retryLimit: this.opts.retryLimit,
      retryDelay: this.opts.retryDelaySeconds,
      retryBackoff: true,
    };
    if (await this.boss.getQueue(name)) return this.boss.updateQueue(name, options);
    try {
      await this.boss.createQueue(name, options);
    } catch (e) {
      if (!(await this.boss.getQueue(name))) throw e; // another worker created it meanwhile: fine
    }
  }

  /** Enqueue fetch jobs in one insert; each is keyed by its host. */
  async enqueueFetch(jobs: FetchJob[]): Promise<void> {
    if (jobs.length) await this.boss.insert(jobs.map((data) => ({ name: 'fetch', data, singletonKey: data.host })));
  }

  /** Enqueue host jobs of a crawl run in one insert. */
  async enqueueHosts(jobs: HostJob[]): Promise<void> {
    if (jobs.length) await this.boss.insert(jobs.map((data) => ({ name: 'crawl-host', data })));
  }

  /**
   * Enqueue extract jobs in one insert; with `sql`, inside that transaction of the store (the jobs
   * exist exactly when the transaction commits).
   */
  async enqueueExtract(jobs: ExtractJob[], sql?: SqlExecutor): Promise<void> {
    if (jobs.length)
      await this.boss.insert(
        jobs.map((data) => ({ name: 'extract', data })),
        sql ? { db: sql } : {},
      );
  }

  /** Jobs of one crawl run (by their `runId`) not yet finished: created, retry or active. */
  async pendingOfRun(kind: QueueName, runId: number): Promise<number> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT count(*) AS n FROM ${this.schema}.job WHERE name = $1 AND state < 'completed' AND data->>'runId' = $2`,
        [kind, String(runId)],
      );
    return Number((rows[0] as { n: string | number }).n);
  }

  /** Jobs of one crawl run that failed for good (retries spent: the handler kept throwing, or its workers died). */
  async failedOfRun<K extends QueueName>(kind: K, runId: number): Promise<Array<FailedJob<K>>> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT data, output FROM ${this.schema}.job WHERE name = $1 AND state = 'failed' AND data->>'runId' = $2`,
        [kind, String(runId)],
      );
    // A handler's error is kept as {message, …}; an expiry as {value: {message}}.
    type Output = { message?: string; value?: { message?: string } } | null;
    return (rows as Array<{ data: JobData[K]; output: Output }>).map((r) => ({
      data: r.data,
      error: r.output?.message ?? r.output?.value?.message ?? 'the job failed on every attempt',
    }));
  }

  /**
   * Run `handler` on jobs of one kind, up to `concurrency` at a time in this process. A handler
   * that throws fails its job (retried up to the retry limit); one that never returns has its job
   * expired and retried elsewhere.
   */
  async work<K extends QueueName>(
    kind: K,
    concurrency: number,
    handler: (data: JobData[K], job: JobInfo) => Promise<void>,
  ): Promise<void> {
    // One poller per kind hands jobs to free slots: a slot per pg-boss worker would make a hundred
    // host slots a hundred pollers, whose queries slow the fetching and the reading they wait for.
    const slots = new Slots(concurrency);
    this.pollers.push(slots);
    const poll = async () => {
      while (!slots.stopping) {
        const free = await slots.free();
        if (slots.stopping) break;
        let jobs: PgBoss.JobWithMetadata<JobData[K]>[] = [];
        try {
          jobs = await this.boss.fetch<JobData[K]>(kind, { batchSize: free, includeMetadata: true });
        } catch (e) {
          this.onError(e as Error);
        }
        if (!jobs.length) {
          await slots.idle(this.opts.pollingIntervalSeconds * 1000);
          continue;
        }
        for (const job of jobs)
          slots.run(async () => {
            try {
              await handler(job.data, { id: job.id, retryCount: job.retryCount });
            } catch (e) {
              const err = e as Error;
              await this.boss.fail(kind, job.id, { message: err.message, stack: err.stack }).catch(this.onError);
              return;
            }
            await this.boss.complete(kind, job.id).catch(this.onError);
          });
      }
    };
    slots.poller = poll();
  }

  /** Jobs not yet finished (created, retry or active). */
  async pending(kind: QueueName): Promise<number> {
    return this.boss.getQueueSize(kind, { before: 'completed' });
  }

  async job(kind: QueueName, id: string): Promise<{ state: string; retryCount: number } | null> {
    const j = await this.boss.getJobById(kind, id, { includeArchive: true });
    return j ? { state: j.state, retryCount: j.retryCount } : null;
  }

  /** Stop fetching new jobs, let jobs in flight finish (up to the timeout), then disconnect. */
  async stop(timeoutMs: number = LIMITS.fleet.stopTimeoutMs): Promise<void> {
    // Jobs still running after the timeout are left active: they expire and are retried elsewhere.
    await Promise.all(this.pollers.map((p) => p.stop(timeoutMs)));
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
  }
}

/** A process's job slots of one kind: how many are free, and waiting for one to be. */
class Slots {
  stopping = false;
  poller: Promise<void> = Promise.resolve();
  private readonly running = new Set<Promise<void>>();
  private wake: (() => void) | null = null;

  constructor(private readonly size: number) {}

  /** Free slots, once there is at least one. */
  async free(): Promise<number> {
    while (this.running.size >= this.size && !this.stopping) await new Promise<void>((r) => (this.wake = r));
    return this.size - this.running.size;
  }

  /** Wait for the polling interval, or less if a slot frees or the slots stop. */
  idle(ms: number): Promise<void> {
    return new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  run(job: () => Promise<void>): void {
    const p: Promise<void> = job().finally(() => {
      this.running.delete(p);
      this.notify();
    });
    this.running.add(p);
  }

  /** Take no more jobs; wait for those running, up to the timeout. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.notify();
    await this.poller;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise<void>((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
