// The single-URL step: fetch one frontier URL → hand the document on → discover links → enqueue →
// record its outcome. It knows nothing of scheduling, so a job queue (fleet mode) can run it as well
// as the local scheduler. Every outcome commits on its own. What becomes of a fetched document is the
// context's `handOff`: the local crawl ingests it here (`ingestHere`); the fleet stores its bytes and
// queues an extract job with the URL's outcome (src/fleet/crawl-host.ts).
import { createRequire } from 'node:module';
import { ingestBytes } from '../ingest/ingest.ts';
import type { BytesSource } from '../ingest/ingest.ts';
import { log } from '../log.ts';
import { sha256 } from '../pipeline.ts';
import { decodeBytes } from '../read/decode.ts';
import type { FrontierRow, FrontierUpdate, SqlExecutor, Store } from '../store/store.ts';
import { discover, type LinkKind } from './discover.ts';
import type { Fetcher, FetchResult, RequestHooks } from './fetch.ts';
import type { HostPoliteness } from './politeness.ts';
import type { Source } from './registry.ts';

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
}
// robots-parser is CommonJS with a default-export typing that NodeNext resolution cannot call.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (url: string, text: string) => Robots;

/** What robots.txt says for a host in this run. Unreachable is transient: retried next run. */
export type RobotsVerdict = { allow: (url: string) => boolean } | { unreachable: string };

export interface StepCounters {
  fetched: number;
  unchanged: number;
  changed: number;
  withdrawn: number;
  failed: number;
  skipped: number;
  duplicates: number;
  newReports: number;
  requests: number;
  found: number;
  ingestFailed: number;
}

/** Counters at zero, for a new run or a host job. */
export const zeroCounters = (): StepCounters => ({
  found: 0,
  fetched: 0,
  unchanged: 0,
  changed: 0,
  withdrawn: 0,
  failed: 0,
  skipped: 0,
  duplicates: 0,
  newReports: 0,
  requests: 0,
  ingestFailed: 0,
});

/**
 * What became of a fetched document: `failed` — it could not be taken (the URL stays pending with
 * this reason and is fetched in full next run); else `withOutcome`, if any, commits with the URL's
 * outcome (a queued extract job).
 */
export interface HandedOff {
  failed?: string;
  withOutcome?: (sql: SqlExecutor) => Promise<void>;
}

/** Take a fetched document (not a list page) of this frontier row. */
export type HandOff = (ctx: StepContext, bytes: Uint8Array, src: BytesSource, row: FrontierRow) => Promise<HandedOff>;

/** Everything one step needs; shared by the steps of one crawl run. */
export interface StepContext {
  store: Store;
  fetcher: Fetcher;
  politeness: HostPoliteness;
  sources: Map<string, Source>;
  runId: number;
  maxListDepth: number;
  /** The parser version documents are read with (default: the current code's). */
  parserVersion?: string;
  now: () => string;
  counters: StepCounters;
  /** What becomes of a fetched document (`ingestHere`: ingested in this step). */
  handOff: HandOff;
  /** Reports whose rules must run again at the end. */
  touched: Set<number>;
  /** robots.txt per host, fetched once per run. */
  robots: Map<string, Promise<RobotsVerdict>>;
  /** Fleet mode: robots.txt kept in the store per host and run, so no other worker fetches it again. */
  robotsStore?: Pick<Store, 'cachedRobots' | 'cacheRobots'>;
  /** Hosts whose robots.txt could not be read, and why. */
  unreachable: Map<string, string>;
  /** Final URLs, and content hashes per folder, handled in this run (duplicates are recorded, not re-processed). */
  seenFinal: Map<string, string>;
  seenSha: Map<string, string>;
}

const hooksFor = (ctx: StepContext, host: string): RequestHooks => ({
  before: () => {
    ctx.counters.requests++;
    return ctx.politeness.before(host);
  },
  after: (_url, ms, failed, retryAfterMs) => ctx.politeness.after(host, ms, failed, retryAfterMs),
});

function robotsFor(ctx: StepContext, row: FrontierRow): Promise<RobotsVerdict> {
  let p = ctx.robots.get(row.host);
  if (!p) {
    p = (async (): Promise<RobotsVerdict> => {
      const origin = new URL(row.url).origin;
      let r: { status: number; text: string | null; error: string | null } | null = null;
      const cached = await ctx.robotsStore?.cachedRobots(row.host, ctx.runId);
      if (cached) r = { status: cached.status, text: cached.body, error: cached.error };
      else {
        const got = await ctx.fetcher.fetch(`${origin}/robots.txt`, {}, hooksFor(ctx, row.host));
        const text = got.status === 200 && got.body ? decodeBytes(got.body, { html: false }).text : null;
        r = { status: got.status, text, error: got.error };
        if (ctx.robotsStore) {
          const kept = await ctx.robotsStore.cacheRobots({
            host: row.host,
            run_id: ctx.runId,
            status: r.status,
            body: text,
            error: r.error,
            fetched_at: ctx.now(),
          });
          r = { status: kept.status, text: kept.body, error: kept.error };
        }
      }
      if (r.status === 200 && r.text !== null) {
        const robots = robotsParser(`${origin}/robots.txt`, r.text);
        const ua = ctx.fetcher.opts.userAgent;
        const delay = robots.getCrawlDelay(ua) ?? robots.getCrawlDelay('*');
        if (delay) ctx.politeness.setCrawlDelay(row.host, delay * 1000);
        return { allow: (url) => robots.isAllowed(url, ua) !== false };
      }
      // RFC 9309: 4xx means no rules; a robots.txt that cannot be reached (5xx, network, refused)
      // means "disallow all" — for this run only.
      if (r.status >= 500 || r.status === 0) {
        const reason = r.error ?? `HTTP ${r.status}`;
        ctx.unreachable.set(row.host, reason);
        return { unreachable: reason };
      }
      return { allow: () => true };
    })();
    ctx.robots.set(row.host, p);
  }
  return p;
}

const fetchLog = (r: FetchResult | null, outcome: string, error: string | null, at: string) => ({
  final_url: r?.finalUrl ?? null,
  status: r?.status ?? null,
  bytes: r?.body?.length ?? null,
  ms: r?.ms ?? null,
  attempts: r?.attempts ?? null,
  etag: r?.etag ?? null,
  last_modified: r?.lastModified ?? null,
  outcome,
  error,
  at,
});

/** One URL, start to finish. `release` is called once the host may be asked again by others. */
export async function crawlStep(
  ctx: StepContext,
  row: FrontierRow,
  release: () => void = () => {},
): Promise<{ added: number; outcome: string }> {
  const c = ctx.counters;
  const record = async (
    set: FrontierUpdate,
    r: FetchResult | null,
    outcome: string,
    withOutcome?: (sql: SqlExecutor) => Promise<void>,
  ) => {
    const line = fetchLog(r, outcome, set.error ?? null, ctx.now());
    await ctx.store.recordOutcome(row.url, ctx.runId, set, line, withOutcome);
    return { added, outcome };
  };
  let added = 0;
  try {
    const robots = await robotsFor(ctx, row);
    if ('unreachable' in robots) {
      release();
      c.failed++;
      return await record({ state: 'failed', error: `robots.txt unreachable: ${robots.unreachable}` }, null, 'failed');
    }
    if (!robots.allow(row.url)) {
      release();
      c.skipped++;
      return await record({ state: 'skipped', error: 'disallowed by robots.txt' }, null, 'skipped');
    }
    const known = row.sha256 !== null;
    const r = await ctx.fetcher.fetch(
      row.url,
      known ? { etag: row.etag, lastModified: row.last_modified } : {},
      hooksFor(ctx, row.host),
    );
    release();
    c.fetched++;
    const validators = {
      etag: r.etag ?? row.etag,
      last_modified: r.lastModified ?? row.last_modified,
      http_status: r.status,
      fetched_at: ctx.now(),
    };
    const source = ctx.sources.get(row.source_id);
    const src: BytesSource = {
      location: r.finalUrl,
      url: r.finalUrl,
      contentType: r.contentType,
      nameHint: r.filename,
      sourceId: row.source_id,
      sourceAgency: source?.agency ?? null,
      referrer: row.parent_url,
    };
    if (r.status === 304) {
      c.unchanged++;
      // Unchanged bytes may still need a reading by a newer parser.
      let handed: HandedOff = {};
      if (row.kind !== 'list' && row.sha256) {
        const bytes = await ctx.store.documentBytes(row.sha256);
        if (bytes) handed = await ctx.handOff(ctx, bytes, { ...src, location: row.url, url: row.url }, row);
        if (handed.failed) return await record({ state: 'pending', error: handed.failed }, r, 'ingest_failed');
      }
      return await record({ ...validators, state: 'done', error: null }, r, 'not_modified', handed.withOutcome);
    }
    if (r.status === 404 || r.status === 410) {
      if (row.state === 'done') c.withdrawn++;
      return await record({ ...validators, state: 'gone', error: `HTTP ${r.status}` }, r, 'gone');
    }
    if (r.error || !r.body) {
      c.failed++;
      return await record({ ...validators, state: 'failed', error: r.error ?? `HTTP ${r.status}` }, r, 'failed');
    }
    const sha = sha256(r.body);
    // The same resource under another spelling: a redirect to a URL already handled, or the same
    // bytes seen in this run in the same folder (so relative links lead to the same places).
    // Recorded, not processed twice.
    const contentKey = `${sha} ${new URL('.', r.finalUrl).href}`;
    const sameAs =
      (r.finalUrl !== row.url ? ctx.seenFinal.get(r.finalUrl) : undefined) ??
      (ctx.seenSha.get(contentKey) !== row.url ? ctx.seenSha.get(contentKey) : undefined);
    ctx.seenFinal.set(r.finalUrl, row.url);
    if (!ctx.seenSha.has(contentKey)) ctx.seenSha.set(contentKey, row.url);
    if (sameAs) {
      c.duplicates++;
      return await record({ ...validators, state: 'done', error: `same as ${sameAs}`, sha256: sha }, r, 'duplicate');
    }
    const unchanged = sha === row.sha256;
    if (unchanged) c.unchanged++;
    else if (known) c.changed++;
    let handed: HandedOff = {};
    if (row.kind !== 'list') {
      handed = await ctx.handOff(ctx, r.body, src, row);
      // Not recorded as done: no validators or hash kept, so the next run fetches and ingests again.
      if (handed.failed)
        return await record({ state: 'pending', error: handed.failed, http_status: r.status }, r, 'ingest_failed');
    }
    if (source && row.kind !== 'file' && !unchanged && /html|text\/plain|^$/i.test(r.contentType ?? '')) {
      const html = decodeBytes(r.body, { contentType: r.contentType, html: true }).text;
      const found = discover(html, r.finalUrl, row.kind as LinkKind, source);
      for (const s of found.skipped) log.info({ url: s.url, reason: s.reason }, 'trap avoided');
      added = await ctx.store.enqueueUrls(
        found.links
          .filter((l) => l.kind !== 'list' || row.depth + 1 <= ctx.maxListDepth)
          .map((l) => ({ url: l.url, source: row.source_id, kind: l.kind, depth: row.depth + 1, parent: row.url })),
        ctx.now(),
      );
      c.found += added;
    }
    return await record(
      { ...validators, state: 'done', error: null, sha256: sha },
      r,
      unchanged ? 'unchanged' : known ? 'changed' : 'new',
      handed.withOutcome,
    );
  } catch (e) {
    release();
    c.failed++;
    log.error({ url: row.url, err: (e as Error).message }, 'crawl step failed');
    return await record({ state: 'failed', error: (e as Error).message.split('\n')[0]! }, null, 'failed');
  }
}

/** The reason a document was not ingested, as the frontier and the fetch log keep it. */
export const ingestFailure = (e: unknown): string =>
  `ingest: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;

/** The local crawl's hand-off: ingest the document in this step (its rules run at the end of the crawl). */
export const ingestHere: HandOff = async (ctx, bytes, src) => {
  try {
    const res = await ingestBytes(ctx.store, bytes, src, ctx.now(), ctx.parserVersion);
    if (res.reportId !== null) ctx.touched.add(res.reportId);
    if (res.extracted) ctx.counters.newReports++;
    return {};
  } catch (e) {
    ctx.counters.ingestFailed++;
    const reason = ingestFailure(e);
    log.warn({ url: src.url, reason }, 'not ingested');
    return { failed: reason };
  }
};
