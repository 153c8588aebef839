// Re-extraction with a newer parser: `reprocess` re-reads stored bytes without a request, keeps
// decisions whose evidence is unchanged and reopens those whose values changed; a crawl re-reads a
// known document (even one answered 304) whose runs are all from an older parser; kill -9 during
// `nianbao reprocess`, re-run: every document read, every report checked, nothing lost.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parserVersion, PARSER_VERSION } from '../../parsers/index.ts';
import { Crawler, type CrawlOptions } from '../../src/crawl/crawl.ts';
import type { Source } from '../../src/crawl/registry.ts';
import { demoReports, startSite } from '../../src/demo/site.ts';
import { reprocess } from '../../src/ingest/reprocess.ts';
import type { ReportRecord } from '../../src/record.ts';
import { decide } from '../../src/review/queue.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStores, type Stores } from '../helpers/stores.ts';

// The "new parser" below is a mock of this process's extractor: extraction stays in-process here
// (the budgeted child processes are tested in tests/hostile).
process.env.NIANBAO_ISOLATE = '0';

/** A "new parser" that reads one value differently: set `misread` to the report to change. */
const misread: { agency: string | null; year: number | null } = { agency: null, year: null };
vi.mock('../../src/pipeline.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/pipeline.ts')>();
  return {
    ...orig,
    extractBytes: async (...args: Parameters<typeof orig.extractBytes>): Promise<ReportRecord> => {
      const r = await orig.extractBytes(...args);
      if (r.report.agency !== misread.agency || r.report.report_year !== misread.year) return r;
      return {
        ...r,
        cells: r.cells.map((c) =>
          c.table === 'table4' && c.row === 'review' && c.col === 'upheld' ? { ...c, value: 7, raw: '7' } : c,
        ),
      };
    },
  };
});

const exec = promisify(execFile);
const AT = '2026-06-01T00:00:00.000Z';
const FAST: CrawlOptions = { allowLoopback: true, throttle: { minDelayMs: 2, maxDelayMs: 200 } };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
  misread.agency = misread.year = null;
});

async function crawled(stores: Stores, n: number) {
  const site = await startSite({ reports: demoReports(n), perPage: 10 });
  const file = await stores.fresh();
  const store = await stores.open(file);
  cleanup.push(
    () => site.close(),
    () => store.close(),
  );
  const sources: Source[] = [{ id: 's', agency: '示例市人民政府', entry: [site.entry] }];
  const crawl = async (opts: CrawlOptions = {}) => {
    const c = new Crawler(store, sources, { ...FAST, ...opts });
    try {
      return await c.run();
    } finally {
      await c.close();
    }
  };
  await crawl();
  return { site, store, file, crawl };
}

const versionsOf = async (store: Store) =>
  new Map((await store.documentRuns()).map((d) => [d.sha256, d.runs.map((r) => r.parser_version)]));

describe('parser version', () => {
  it('is derived from the reading code, the same on every call', () => {
    expect(PARSER_VERSION).toMatch(/^p-[0-9a-f]{12}$/);
    expect(parserVersion()).toBe(PARSER_VERSION);
  });
});

describeStores('reprocess', (stores) => {
  it('re-reads stored documents without a request, keeps decisions with unchanged evidence, reopens changed ones', async () => {
    const { site, store } = await crawled(stores, 10);
    const open = await store.listItems({ status: 'open', rule: 'T4-1' });
    expect(open.length).toBeGreaterThanOrEqual(2);
    for (const item of open) await decide(store, item.id, 'publisher-error', 'printed so', 'tester', AT);
    const [changed, kept] = open;
    misread.agency = changed!.agency;
    misread.year = changed!.report_year;
    const requests = site.requests.length;
    const docs = (await store.documentRuns()).length;

    const s = await reprocess(store, { parserVersion: 'p-next', now: () => AT });
    expect(site.requests.length).toBe(requests); // not a single request
    expect(s).toMatchObject({ parserVersion: 'p-next', documents: docs, reread: docs, failed: 0 });
    for (const versions of (await versionsOf(store)).values()) expect(versions).toEqual([PARSER_VERSION, 'p-next']);
    for (const r of await store.allReports()) {
      const runs = await store.runsOf(r.id);
      expect(runs.find((x) => x.id === r.current_run_id)?.parser_version).toBe('p-next');
    }
    expect(await store.item(kept!.id)).toMatchObject({ status: 'decided', decision: 'publisher-error' });
    expect((await store.events(kept!.id)).map((e) => e.event)).toEqual(['opened', 'decided']);
    expect(await store.item(changed!.id)).toMatchObject({ status: 'open', decision: null });
    expect((await store.events(changed!.id)).map((e) => e.event)).toEqual(['opened', 'decided', 'reopened']);
    expect(s.reopened).toBe(1);
    expect(await store.uncheckedReports()).toEqual([]);

    // Nothing is older than the newest reading; an unknown version is named.
    expect((await reprocess(store, { parserVersion: 'p-third', olderThan: 'p-next' })).documents).toBe(0);
    await expect(reprocess(store, { parserVersion: 'p-third', olderThan: 'p-nope' })).rejects.toThrow(
      /--older-than p-nope: no run of this parser version in the store \(known: .*p-next/,
    );
    // --agency picks that body's documents only.
    const agency = changed!.agency!;
    const some = await reprocess(store, { parserVersion: 'p-third', agency });
    const mine = (await store.documentRuns()).filter((d) => d.runs.some((r) => r.agency === agency));
    expect(some.reread).toBe(mine.length);
    expect(mine.every((d) => d.runs.at(-1)!.parser_version === 'p-third')).toBe(true);
    expect(some.reread).toBeLessThan(docs);
  }, 60_000);

  it('a crawl re-reads known documents whose runs are from an older parser, 304s included', async () => {
    const { site, store, crawl } = await crawled(stores, 6);
    const before = site.requests.length;
    const s = await crawl({ parserVersion: 'p-next' });
    const second = site.requests.slice(before).filter((r) => /\/t\d+_\d+\.html$/.test(r.path));
    expect(second.length).toBe(6);
    expect(second.every((r) => r.ifNoneMatch !== null)).toBe(true); // conditional: answered 304
    const docs = await versionsOf(store);
    expect(s.newReports).toBe(docs.size);
    for (const v of docs.values()) expect(v).toEqual([PARSER_VERSION, 'p-next']);
  }, 60_000);

  it('kill -9 during `nianbao reprocess`, re-run: every document read once, every report checked, nothing lost', async () => {
    const { file, store } = await crawled(stores, 60);
    const docs = (await store.documentRuns()).length;
    await store.close();
    // Counted beside the child, without opening a store (that would migrate, and wait on its lock).
    const sql = "select count(*) as n from runs where parser_version = 'p-b'";
    const client = stores.kind === 'postgres' ? new pg.Client({ connectionString: file }) : null;
    await client?.connect();
    cleanup.push(async () => client?.end());
    const count = async () => {
      if (client) return Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
      const d = new SQLite(file, { readonly: true, fileMustExist: true });
      const n = (d.prepare(sql).get() as { n: number }).n;
      d.close();
      return n;
    };
    const env = { ...process.env, NIANBAO_PARSER_VERSION: 'p-b' };
    const args = [path.resolve('bin/nianbao.js'), 'reprocess', '--db', file];
    const cwd = mkdtempSync(path.join(tmpdir(), 'nianbao-reproc-')); // a Postgres store's queue file goes here
    const child = spawn(process.execPath, args, { stdio: 'ignore', env, cwd });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const t0 = Date.now();
    while ((await count()) < 3 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const cut = await count();
    expect(cut).toBeGreaterThanOrEqual(3);
    expect(cut).toBeLessThan(docs); // killed midway
    const { stderr } = await exec(process.execPath, args, { env, cwd });
    expect(stderr).toMatch(
      new RegExp(`reprocess with parser p-b: ${docs - cut} documents due, ${docs - cut} re-read, 0 failed`),
    );
    const after = await stores.open(file);
    cleanup.push(() => after.close());
    const runs = await versionsOf(after);
    expect(runs.size).toBe(docs);
    for (const v of runs.values()) expect(v).toEqual([PARSER_VERSION, 'p-b']);
    expect(await after.uncheckedReports()).toEqual([]);
  }, 120_000);
});
