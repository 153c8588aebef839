// The crawl: registry → frontier (in the store) → polite per-host fetching → discovery → ingest.
// Every URL's outcome commits on its own: a killed crawl resumes without refetching what completed;
// a new crawl re-checks everything with conditional requests and ingests only what changed.
import PQueue from 'p-queue';
import { createRequire } from 'node:module';
import type { Transaction } from 'kysely';
import { sha256 } from '../pipeline.ts';
import { decodeBytes } from '../read/decode.ts';
import { ingestBytes, recheck } from '../ingest/ingest.ts';
import { log } from '../log.ts';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { discover, type LinkKind } from './discover.ts';
import { Fetcher, type FetchOptions, type FetchResult } from './fetch.ts';
import { DEFAULT_THROTTLE, HostThrottle, type ThrottleOptions } from './politeness.ts';
import type { Source } from './registry.ts';
import type { Resolver } from './ssrf.ts';
import { normalizeUrl } from './url.ts';

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
}
// robots-parser is CommonJS with a default-export typing that NodeNext resolution cannot call.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (url: string, text: string) => Robots;

export interface CrawlOptions {
  maxRequests?: number;
  allowLoopback?: boolean;
  resolver?: Resolver;
  throttle?: Partial<ThrottleOptions>;
  fetch?: Partial<FetchOptions>;
  /** How many list pages deep pagination may go from an entry. */
  maxListDepth?: number;
  /** Hosts fetched at the same time (each host is always sequential). */
  hostConcurrency?: number;
  onProgress?: (done: number, due: number, url: string) => void;
  now?: () => string;
}

export interface CrawlSummary {
  run: number;
  resumed: boolean;
  complete: boolean;
  found: number;
  fetched: number;
  unchanged: number;
  changed: number;
  withdrawn: number;
  failed: number;
  skipped: number;
  newReports: number;
  requests: number;
  reviewOpened: number;
}

type FrontierRow = Database['frontier'] extends infer T
  ? { [K in keyof T]: T[K] extends import('kysely').Generated<infer U> ? U : T[K] }
  : never;

interface Host {
  throttle: HostThrottle;
  queue: PQueue;
  robots: Promise<Pick<Robots, 'isAllowed'> | null> | null;
}

export class Crawler {
  private readonly fetcher: Fetcher;
  private readonly hosts = new Map<string, Host>();
  private readonly sources: Map<string, Source>;
  private readonly opts: Required<Pick<CrawlOptions, 'maxListDepth' | 'hostConcurrency'>> & CrawlOptions;
  private readonly throttleOpts: ThrottleOptions;
  private summary!: CrawlSummary;
  private readonly touched = new Set<number>();
  private readonly now: () => string;

  constructor(
    private readonly store: Store,
    sources: Source[],
    opts: CrawlOptions = {},
  ) {
    this.sources = new Map(sources.map((s) => [s.id, s]));
    this.opts = { maxListDepth: 50, hostConcurrency: 64, ...opts };
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
    const db = this.store.db;
    const open = await db
      .selectFrom('crawl_runs')
      .selectAll()
      .where('finished_at', 'is', null)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const runId =
      open?.id ??
      (
        await db
          .insertInto('crawl_runs')
          .values({ started_at: this.now(), finished_at: null, sources: [...this.sources.keys()].join(',') })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    this.summary = {
      run: runId,
      resumed: !!open,
      complete: false,
      found: 0,
      fetched: 0,
      unchanged: 0,
      changed: 0,
      withdrawn: 0,
      failed: 0,
      skipped: 0,
      newReports: 0,
      requests: 0,
      reviewOpened: 0,
    };
    await this.seed();
    const inflight = new Set<string>();
    const global = new PQueue({ concurrency: this.opts.hostConcurrency });
    let done = 0;
    let stopped = false;
    for (;;) {
      const due = (
        await db
          .selectFrom('frontier')
          .selectAll()
          .where((eb) => eb.or([eb('run_id', 'is', null), eb('run_id', '!=', runId)]))
          .where('state', '!=', 'skipped')
          .orderBy('depth')
          .orderBy('discovered_at')
          .limit(2000)
          .execute()
      ).filter((r) => !inflight.has(r.url)) as FrontierRow[];
      if (!due.length) break;
      const tasks: Promise<void>[] = [];
      for (const row of due) {
        if (this.opts.maxRequests !== undefined && this.summary.requests + inflight.size >= this.opts.maxRequests) {
          stopped = true;
          break;
        }
        inflight.add(row.url);
        const host = this.host(row.host);
        tasks.push(
          global.add(() =>
            host.queue.add(async () => {
              try {
                await this.process(row, runId);
              } catch (e) {
                log.error({ url: row.url, err: (e as Error).message }, 'crawl step failed');
                await this.finish(
                  row.url,
                  runId,
                  { state: 'failed', error: (e as Error).message.split('\n')[0]! },
                  null,
                  'failed',
                );
                this.summary.failed++;
              } finally {
                inflight.delete(row.url);
                this.opts.onProgress?.(++done, done + inflight.size, row.url);
              }
            }),
          ) as Promise<void>,
        );
      }
      await Promise.all(tasks);
      if (stopped) break;
    }
    if (!stopped) {
      await db.updateTable('crawl_runs').set({ finished_at: this.now() }).where('id', '=', runId).execute();
      this.summary.complete = true;
    }
    const sync = await recheck(this.store, this.touched, this.now());
    this.summary.reviewOpened = sync.opened + sync.reopened;
    return this.summary;
  }

  private host(name: string): Host {
    let h = this.hosts.get(name);
    if (!h) {
      h = { throttle: new HostThrottle(this.throttleOpts), queue: new PQueue({ concurrency: 1 }), robots: null };
      this.hosts.set(name, h);
    }
    return h;
  }

  private hooks(h: Host) {
    return {
      before: () => {
        this.summary.requests++;
        return h.throttle.before();
      },
      after: (_url: string, ms: number, failed: boolean) => h.throttle.after(ms, failed),
    };
  }

  private async seed(): Promise<void> {
    const at = this.now();
    for (const s of this.sources.values()) {
      await this.store.upsertBody({
        agency: s.agency,
        parent: s.parent ?? null,
        level: s.level ?? null,
        region_code: s.region_code ?? null,
      });
      for (const e of s.entry) {
        const url = normalizeUrl(e);
        if (url) await this.addUrl(this.store.db, { url, source: s.id, kind: 'list', depth: 0, parent: null, at });
      }
    }
  }

  private async addUrl(
    db: Store['db'] | Transaction<Database>,
    l: { url: string; source: string; kind: LinkKind; depth: number; parent: string | null; at: string },
  ): Promise<void> {
    const res = await db
      .insertInto('frontier')
      .values({
        url: l.url,
        host: new URL(l.url).host,
        source_id: l.source,
        kind: l.kind,
        depth: l.depth,
        parent_url: l.parent,
        state: 'pending',
        run_id: null,
        etag: null,
        last_modified: null,
        sha256: null,
        http_status: null,
        error: null,
        discovered_at: l.at,
        fetched_at: null,
      })
      .onConflict((oc) => oc.column('url').doNothing())
      .executeTakeFirst();
    if ((res.numInsertedOrUpdatedRows ?? 0n) > 0n) this.summary.found++;
  }

  private async robotsFor(url: string, h: Host) {
    h.robots ??= (async () => {
      const origin = new URL(url).origin;
      const r = await this.fetcher.fetch(`${origin}/robots.txt`, {}, this.hooks(h));
      if (r.status === 200 && r.body) {
        const robots = robotsParser(`${origin}/robots.txt`, decodeBytes(r.body, { html: false }).text);
        const delay = robots.getCrawlDelay(this.fetcher.opts.userAgent) ?? robots.getCrawlDelay('*');
        if (delay) h.throttle.crawlDelayMs = delay * 1000;
        return robots;
      }
      // RFC 9309: a robots.txt that cannot be reached (5xx, network) means "disallow all" for now.
      if (r.status >= 500 || (r.status === 0 && r.error)) return { isAllowed: () => false };
      return null;
    })();
    return h.robots;
  }

  private async process(row: FrontierRow, runId: number): Promise<void> {
    const h = this.host(row.host);
    const robots = await this.robotsFor(row.url, h);
    if (robots && robots.isAllowed(row.url, this.fetcher.opts.userAgent) === false) {
      this.summary.skipped++;
      await this.finish(row.url, runId, { state: 'skipped', error: 'disallowed by robots.txt' }, null, 'skipped');
      return;
    }
    const known = row.sha256 !== null;
    const r = await this.fetcher.fetch(
      row.url,
      known ? { etag: row.etag, lastModified: row.last_modified } : {},
      this.hooks(h),
    );
    this.summary.fetched++;
    const validators = {
      etag: r.etag ?? row.etag,
      last_modified: r.lastModified ?? row.last_modified,
      http_status: r.status,
      fetched_at: this.now(),
    };
    if (r.status === 304) {
      this.summary.unchanged++;
      await this.finish(row.url, runId, { ...validators, state: 'done', error: null }, r, 'not_modified');
      return;
    }
    if (r.status === 404 || r.status === 410) {
      if (row.state === 'done') this.summary.withdrawn++;
      await this.finish(row.url, runId, { ...validators, state: 'gone', error: `HTTP ${r.status}` }, r, 'gone');
      return;
    }
    if (r.error || !r.body) {
      this.summary.failed++;
      await this.finish(
        row.url,
        runId,
        { ...validators, state: 'failed', error: r.error ?? `HTTP ${r.status}` },
        r,
        'failed',
      );
      return;
    }
    const sha = sha256(r.body);
    if (sha === row.sha256) {
      this.summary.unchanged++;
      await this.finish(row.url, runId, { ...validators, state: 'done', error: null, sha256: sha }, r, 'unchanged');
      return;
    }
    if (known) this.summary.changed++;
    const source = this.sources.get(row.source_id);
    if (row.kind !== 'list') {
      const res = await ingestBytes(
        this.store,
        r.body,
        { location: r.finalUrl, url: r.finalUrl, contentType: r.contentType, nameHint: r.filename },
        this.now(),
      ).catch((e: Error) => {
        log.warn({ url: row.url, reason: e.message }, 'not ingested');
        return null;
      });
      if (res?.reportId) this.touched.add(res.reportId);
      if (res?.extracted) this.summary.newReports++;
    }
    if (source && row.kind !== 'file' && /html|text\/plain|^$/i.test(r.contentType ?? '')) {
      const html = decodeBytes(r.body, { contentType: r.contentType, html: true }).text;
      const { links, skipped } = discover(html, r.finalUrl, row.kind as LinkKind, source);
      const at = this.now();
      for (const s of skipped) log.info({ url: s.url, reason: s.reason }, 'trap avoided');
      await this.store.transaction(async (trx) => {
        for (const l of links) {
          if (l.kind === 'list' && row.depth + 1 > this.opts.maxListDepth) continue;
          await this.addUrl(trx, {
            url: l.url,
            source: row.source_id,
            kind: l.kind,
            depth: row.depth + 1,
            parent: row.url,
            at,
          });
        }
      });
    }
    await this.finish(
      row.url,
      runId,
      { ...validators, state: 'done', error: null, sha256: sha },
      r,
      known ? 'changed' : 'new',
    );
  }

  private async finish(
    url: string,
    runId: number,
    set: Partial<FrontierRow>,
    r: FetchResult | null,
    outcome: string,
  ): Promise<void> {
    await this.store.transaction(async (trx) => {
      await trx
        .updateTable('frontier')
        .set({ ...set, run_id: runId, attempts: undefined } as never)
        .where('url', '=', url)
        .execute();
      await trx
        .insertInto('fetch_log')
        .values({
          run_id: runId,
          url,
          final_url: r?.finalUrl ?? null,
          status: r?.status ?? null,
          bytes: r?.body?.length ?? null,
          ms: r?.ms ?? null,
          attempts: r?.attempts ?? null,
          etag: r?.etag ?? null,
          last_modified: r?.lastModified ?? null,
          outcome,
          error: (set.error as string | null | undefined) ?? null,
          at: this.now(),
        })
        .execute();
    });
  }
}
