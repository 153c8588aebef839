// The fleet crawl's worker side: a `crawl-host` job crawls one host's due URLs in one crawl run,
// one at a time through the single-URL step, each request under the host's lease in the store
// (StorePoliteness). One job per host at a time: the job holds a store lock named for the host and
// run (a worker killed with -9 loses it at once on its own machine, after LIMITS.fleet
// .hostLockStaleMs elsewhere). The URLs are read from the store one by one, so a retried or
// duplicated job never fetches what another job already recorded. A job stops after its time budget
// and queues itself again, so no job outlives the queue's expiry.
// A host job never extracts: a fetched document's bytes go into the store (content-addressed) and its
// `extract` job is queued in the transaction that records the URL's outcome, so extraction runs on
// the extract workers' cores and a URL is done exactly when its document is queued. What each step
// counted is added to the run's counts in the store, so the summary is the whole fleet's.
import { hostname } from 'node:os';
import { Fetcher, type FetchOptions } from '../crawl/fetch.ts';
import { lockStore, type StoreLock, StoreLockedError } from '../crawl/lock.ts';
import { DEFAULT_THROTTLE, type ThrottleOptions } from '../crawl/politeness.ts';
import { Source } from '../crawl/registry.ts';
import type { Resolver } from '../crawl/ssrf.ts';
import { crawlStep, type HandOff, type StepContext, type StepCounters, zeroCounters } from '../crawl/step.ts';
import { keepDocument } from '../ingest/ingest.ts';
import { LIMITS } from '../settings.ts';
import type { Store } from '../store/store.ts';
import type { ExtractJob, FleetQueue, HostJob } from './queue.ts';
import { StorePoliteness, type StorePolitenessOptions } from './store-politeness.ts';

/** What the coordinator tells every worker about a crawl run (kept in `crawl_run_config`). */
export interface FleetRunOptions {
  allowLoopback: boolean;
  throttle?: Partial<ThrottleOptions>;
  maxListDepth?: number;
  parserVersion?: string;
  fetch?: Partial<FetchOptions>;
}

export interface HostCrawlerOptions extends StorePolitenessOptions {
  /** Longest a job crawls its host before queueing itself again. */
  jobBudgetMs?: number;
  lockStaleMs?: number;
  lockHeartbeatMs?: number;
  /** Tests: resolve loopback names. */
  resolver?: Resolver;
  /** Called before each URL a job crawls (progress, tests). */
  onStep?: (host: string, url: string) => void;
}

interface RunContext {
  ctx: StepContext;
  politeness: StorePoliteness;
}

/** The fleet's hand-off: the bytes are stored now; the extract job is queued with the URL's outcome. */
export const extractLater =
  (queue: Pick<FleetQueue, 'enqueueExtract'>): HandOff =>
  async (ctx, bytes, src, row) => {
    const { sha256 } = await keepDocument(ctx.store, bytes, src, ctx.now());
    const job: ExtractJob = {
      sha256,
      location: src.location,
      url: src.url ?? null,
      contentType: src.contentType ?? null,
      nameHint: src.nameHint ?? null,
      sourceId: src.sourceId ?? null,
      sourceAgency: src.sourceAgency ?? null,
      referrer: src.referrer ?? null,
      ...(ctx.parserVersion ? { parserVersion: ctx.parserVersion } : {}),
      runId: ctx.runId,
      crawlUrl: row.url,
    };
    return { withOutcome: (sql) => queue.enqueueExtract([job], sql) };
  };

export class HostCrawler {
  /** This process's lease-holder name. */
  readonly holder = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  /** Everything this process's jobs counted, per crawl run. */
  readonly counters = new Map<number, StepCounters>();
  private readonly runs = new Map<number, Promise<RunContext>>();
  private readonly fetchers: Fetcher[] = [];

  constructor(
    private readonly store: Store,
    private readonly queue: Pick<FleetQueue, 'enqueueExtract'>,
    private readonly opts: HostCrawlerOptions = {},
  ) {}

  /**
   * Crawl the host until none of its URLs is due in the run (or the budget is spent: then
   * `requeue` is called). Returns without work when another job holds the host.
   */
  async crawlHost(job: HostJob, requeue: (job: HostJob) => Promise<void>): Promise<{ steps: number }> {
    const { ctx: runCtx, politeness } = await this.context(job.runId);
    // This job's own counts, added to the run's in the store after each step.
    const ctx: StepContext = { ...runCtx, counters: zeroCounters() };
    let lock: StoreLock;
    try {
      lock = await lockStore(this.store, `crawl-host ${job.runId} ${job.host}`, {
        staleMs: this.opts.lockStaleMs ?? LIMITS.fleet.hostLockStaleMs,
        ...(this.opts.lockHeartbeatMs ? { heartbeatMs: this.opts.lockHeartbeatMs } : {}),
      });
    } catch (e) {
      if (e instanceof StoreLockedError) return { steps: 0 }; // another worker crawls it now
      throw e;
    }
    const t0 = Date.now();
    const tried = new Set<string>(); // a URL whose outcome could not be recorded is not retried in a loop
    let steps = 0;
    try {
      for (;;) {
        const row = (await this.store.dueUrls(job.runId, job.host, tried.size + 1)).find((r) => !tried.has(r.url));
        if (!row) break;
        if (Date.now() - t0 > (this.opts.jobBudgetMs ?? LIMITS.fleet.hostJobBudgetMs)) {
          await requeue(job);
          break;
        }
        tried.add(row.url);
        this.opts.onStep?.(job.host, row.url);
        await crawlStep(ctx, row);
        await this.addCounts(job.runId, ctx.counters);
        steps++;
      }
    } finally {
      await politeness.flush();
      await lock.release();
    }
    return { steps };
  }

  async close(): Promise<void> {
    await Promise.all(this.fetchers.map((f) => f.close()));
  }

  /** Move a job's counts into the run's counts in the store (and this process's tally). */
  private async addCounts(runId: number, c: StepCounters): Promise<void> {
    await this.store.addCrawlRunCounts(runId, { ...c });
    const mine = this.counters.get(runId);
    for (const k of Object.keys(c) as Array<keyof StepCounters>) {
      if (mine) mine[k] += c[k];
      c[k] = 0;
    }
  }

  private context(runId: number): Promise<RunContext> {
    let p = this.runs.get(runId);
    if (!p) {
      p = this.load(runId);
      this.runs.set(runId, p);
      p.catch(() => this.runs.delete(runId));
    }
    return p;
  }

  private async load(runId: number): Promise<RunContext> {
    const config = await this.store.crawlRunConfig(runId);
    if (!config) throw new Error(`crawl run ${runId}: no configuration in the store (not a fleet crawl)`);
    const sources = Source.array().parse(JSON.parse(config.sources));
    const o = JSON.parse(config.options) as FleetRunOptions;
    const fetcher = new Fetcher({
      ...o.fetch,
      allowLoopback: o.allowLoopback,
      ...(this.opts.resolver ? { resolver: this.opts.resolver } : {}),
    });
    this.fetchers.push(fetcher);
    const politeness = new StorePoliteness(this.store, this.holder, { ...DEFAULT_THROTTLE, ...o.throttle }, this.opts);
    const counters = zeroCounters();
    this.counters.set(runId, counters);
    const ctx: StepContext = {
      store: this.store,
      fetcher,
      politeness,
      sources: new Map(sources.map((s) => [s.id, s])),
      runId,
      maxListDepth: o.maxListDepth ?? 50,
      ...(o.parserVersion ? { parserVersion: o.parserVersion } : {}),
      now: () => new Date().toISOString(),
      counters,
      handOff: extractLater(this.queue),
      touched: new Set(),
      robots: new Map(),
      robotsStore: this.store,
      unreachable: new Map(),
      seenFinal: new Map(),
      seenSha: new Map(),
    };
    return { ctx, politeness };
  }
}
