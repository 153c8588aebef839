// The crawl: registry → frontier (in the store) → the scheduler runs the single-URL step per due URL
// (polite per host, hosts in parallel) → per-source health → rules of what changed.
// Every URL's outcome commits on its own: a killed crawl resumes without refetching what completed;
// a new crawl re-checks everything with conditional requests and ingests only what changed.
import { recheck } from '../ingest/ingest.ts';
import { LIMITS } from '../settings.ts';
import type { Store } from '../store/store.ts';
import { Fetcher, type FetchOptions } from './fetch.ts';
import { DEFAULT_THROTTLE, type HostPoliteness, LocalPoliteness, type ThrottleOptions } from './politeness.ts';
import type { Source } from './registry.ts';
import { runScheduler } from './scheduler.ts';
import type { Resolver } from './ssrf.ts';
import { crawlStep, ingestHere, type StepContext, type StepCounters, zeroCounters } from './step.ts';
import { normalizeUrl } from './url.ts';

export interface CrawlOptions {
  maxRequests?: number;
  allowLoopback?: boolean;
  resolver?: Resolver;
  throttle?: Partial<ThrottleOptions>;
  fetch?: Partial<FetchOptions>;
  /** How many list pages deep pagination may go from an entry. */
  maxListDepth?: number;
  /** Requests in flight at once across all hosts (each host is always one at a time). */
  maxConnections?: number;
  /** Per-host politeness state (default: in memory, this process). */
  politeness?: HostPoliteness;
  onProgress?: (done: number, due: number, url: string) => void;
  now?: () => string;
  /** Read documents with this parser version (default: the current code's; tests simulate a new one). */
  parserVersion?: string;
  /** Fleet mode: hand the run's frontier to workers instead of the local scheduler. */
  driver?: CrawlDriver;
}

/** Runs a crawl run's frontier to the end elsewhere (the fleet's workers); what they counted. */
export interface CrawlDriver {
  run(
    runId: number,
    sources: Source[],
  ): Promise<{
    stopped: boolean;
    counters: StepCounters;
    /** Review items the workers opened or reopened (their extract jobs run the rules). */
    reviewOpened: number;
    unreachable: Array<{ host: string; reason: string }>;
  }>;
}

/** A source whose entries all failed in this run, or some of them (partial). */
export interface FailedSource {
  id: string;
  agency: string;
  entries: number;
  failing: number;
  /** The first failing entry and why. */
  error: string;
}

export interface CrawlSummary extends StepCounters {
  run: number;
  resumed: boolean;
  complete: boolean;
  reviewOpened: number;
  /** Sources every entry of which failed in this run. */
  failedSources: FailedSource[];
  /** Sources some (not all) entries of which failed. */
  partialSources: FailedSource[];
  /** Hosts whose robots.txt could not be read (their URLs are retried next run). */
  unreachableHosts: Array<{ host: string; reason: string }>;
}

export class Crawler {
  private readonly fetcher: Fetcher;
  private readonly sources: Map<string, Source>;
  private readonly throttleOpts: ThrottleOptions;
  private readonly now: () => string;

  constructor(
    private readonly store: Store,
    sources: Source[],
    private readonly opts: CrawlOptions = {},
  ) {
    this.sources = new Map(sources.map((s) => [s.id, s]));
    this.throttleOpts = { ...DEFAULT_THROTTLE, ...opts.throttle };
    this.fetcher = new Fetcher({
      ...opts.fetch,
      allowLoopback: opts.allowLoopback ?? false,
      ...(opts.resolver ? { resolver: opts.resolver } : {}),
    });
    this.now = opts.now ?? (() => new Date().toISOString());
  }

  async close(): Promise<void> {
    await this.fetcher.close();
  }

  async run(): Promise<CrawlSummary> {
    const run = await this.store.openCrawlRun([...this.sources.keys()], this.now());
    const counters = zeroCounters();
    const entries = await this.seed(counters);
    // Reports saved by a crawl that was killed before its rules ran are checked this time.
    const touched = new Set(await this.store.uncheckedReports());
    const ctx: StepContext = {
      store: this.store,
      fetcher: this.fetcher,
      politeness: this.opts.politeness ?? new LocalPoliteness(this.throttleOpts),
      sources: this.sources,
      runId: run.id,
      maxListDepth: this.opts.maxListDepth ?? 50,
      ...(this.opts.parserVersion ? { parserVersion: this.opts.parserVersion } : {}),
      now: this.now,
      counters,
      handOff: ingestHere,
      touched,
      robots: new Map(),
      unreachable: new Map(),
      seenFinal: new Map(),
      seenSha: new Map(),
    };
    if (this.opts.driver)
      return this.finish(
        run,
        entries,
        counters,
        touched,
        await this.opts.driver.run(run.id, [...this.sources.values()]),
      );
    let done = 0;
    let inFlight = 0;
    const { stopped } = await runScheduler({
      store: this.store,
      runId: run.id,
      politeness: ctx.politeness,
      maxConnections: this.opts.maxConnections ?? LIMITS.crawl.maxConnections,
      mayStart: () => this.opts.maxRequests === undefined || counters.requests + inFlight < this.opts.maxRequests,
      step: async (row, release) => {
        inFlight++;
        let counted = true;
        const free = () => {
          if (counted) inFlight--;
          counted = false;
          release();
        };
        try {
          return await crawlStep(ctx, row, free);
        } finally {
          free();
        }
      },
      onSettled: (row) => this.opts.onProgress?.(++done, done + inFlight, row.url),
    });
    const unreachable = [...ctx.unreachable].map(([host, reason]) => ({ host, reason }));
    return this.finish(run, entries, counters, touched, { stopped, counters: null, unreachable });
  }

  private async finish(
    run: { id: number; resumed: boolean },
    entries: Map<string, string[]>,
    counters: StepCounters,
    touched: Set<number>,
    r: {
      stopped: boolean;
      counters: StepCounters | null;
      reviewOpened?: number;
      unreachable: Array<{ host: string; reason: string }>;
    },
  ): Promise<CrawlSummary> {
    if (r.counters) {
      // Fleet mode: the workers' counts (the seed's found URLs are this process's).
      for (const k of Object.keys(counters) as Array<keyof StepCounters>) counters[k] += r.counters[k];
      // Reports the workers saved, wherever they ran, get their rules run once here.
      for (const id of await this.store.uncheckedReports()) touched.add(id);
    }
    if (!r.stopped) await this.store.finishCrawlRun(run.id, this.now());
    const health = await this.judgeSources(run.id, entries);
    const sync = await recheck(this.store, touched, this.now());
    return {
      ...counters,
      run: run.id,
      resumed: run.resumed,
      complete: !r.stopped,
      reviewOpened: sync.opened + sync.reopened + (r.reviewOpened ?? 0),
      ...health,
      unreachableHosts: r.unreachable,
    };
  }

  /** Register the sources and put their entries in the frontier; returns each source's entry URLs. */
  private async seed(counters: StepCounters): Promise<Map<string, string[]>> {
    const entries = new Map<string, string[]>();
    for (const s of this.sources.values()) {
      await this.store.upsertBody({
        agency: s.agency,
        parent: s.parent ?? null,
        level: s.level ?? null,
        region_code: s.region_code ?? null,
      });
      await this.store.upsertSource({
        id: s.id,
        agency: s.agency,
        entry: s.entry,
        level: s.level ?? null,
        region_code: s.region_code ?? null,
        parent: s.parent ?? null,
      });
      const urls = s.entry.map((e) => normalizeUrl(e)).filter((u): u is string => !!u);
      entries.set(s.id, urls);
      counters.found += await this.store.enqueueUrls(
        urls.map((url) => ({ url, source: s.id, kind: 'list', depth: 0, parent: null })),
        this.now(),
      );
    }
    return entries;
  }

  /**
   * A source fails a run when every entry failed (HTTP error, gone, robots, network). Judged only
   * when all its entries were tried in this run (a run stopped at the request limit is judged later).
   */
  private async judgeSources(
    runId: number,
    entries: Map<string, string[]>,
  ): Promise<Pick<CrawlSummary, 'failedSources' | 'partialSources'>> {
    const rows = new Map((await this.store.frontierEntries([...this.sources.keys()])).map((r) => [r.url, r]));
    const failedSources: FailedSource[] = [];
    const partialSources: FailedSource[] = [];
    const at = this.now();
    for (const [id, urls] of entries) {
      const source = this.sources.get(id)!;
      const mine = urls.map((u) => rows.get(u)).filter((r) => r !== undefined);
      if (!mine.length || mine.some((r) => r.run_id !== runId)) continue;
      const failing = mine.filter((r) => r.state !== 'done');
      const first = failing[0];
      const error = first ? `${first.url}: ${first.error ?? first.state}` : null;
      const failed = failing.length === mine.length;
      await this.store.recordSourceRun(id, { runId, at, failed, entriesFailing: failing.length, error });
      if (error) {
        const f = { id, agency: source.agency, entries: mine.length, failing: failing.length, error };
        (failed ? failedSources : partialSources).push(f);
      }
    }
    return { failedSources, partialSources };
  }
}
