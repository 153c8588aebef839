// The extract job on both dialects (a stored document → run, report, review items; a retried job
// adds nothing twice), and `nianbao worker` taking extract jobs from a Postgres store's queue.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { runExtractJob, workExtracts } from '../../src/fleet/extract-job.ts';
import { recordFailedExtracts } from '../../src/fleet/fleet-crawl.ts';
import { FleetQueue } from '../../src/fleet/queue.ts';
import { sha256 } from '../../src/pipeline.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStores, postgresAvailable, storesOf } from '../helpers/stores.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const AT = '2026-01-01T00:00:00.000Z';
// 行政复议: 维持 10, 纠正 1, 总计 0 → T4-1 fails.
const BAD = { 'table4|review|upheld': '10', 'table4|review|corrected': '1', 'table4|review|total': '0' };
function report(agency: string, overrides: Record<string, string> = BAD) {
  const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
  for (const [k, v] of Object.entries(overrides)) cells.set(k, v);
  return renderHtml({ version: 'v2021', agency, year: 2024, cells }, PLAIN);
}
async function storeDocument(store: Store, bytes: Uint8Array, location: string): Promise<string> {
  const sha = sha256(bytes);
  await store.transaction((trx) => store.putDocument(trx, { sha256: sha, media: 'html', bytes, location, at: AT }));
  return sha;
}

describeStores('extract job', (stores) => {
  it('extracts a stored document and opens its review items; a retry adds nothing', async () => {
    const store = await stores.open();
    try {
      const sha = await storeDocument(store, report('测试市林业局'), 'http://a.gov.cn/r.html');
      const job = { sha256: sha, location: 'http://a.gov.cn/r.html', url: 'http://a.gov.cn/r.html' };
      const first = await runExtractJob(store, job, AT);
      expect(first).toMatchObject({ extracted: true, review: { opened: 1 } });
      const again = await runExtractJob(store, job, AT);
      expect(again).toEqual({
        reportId: first.reportId,
        extracted: false,
        review: { opened: 0, reopened: 0, resolved: 0 },
      });
      expect(await store.runsOf(first.reportId!)).toHaveLength(1);
      expect((await store.listItems({ status: 'all' })).map((i) => i.rule)).toEqual(['T4-1']);
      expect((await store.report(first.reportId!))?.agency).toBe('测试市林业局');
    } finally {
      await store.close();
    }
  });

  it('a document not in the store is one clear error', async () => {
    const store = await stores.open();
    try {
      await expect(runExtractJob(store, { sha256: 'f'.repeat(64), location: 'x' })).rejects.toThrow(
        `extract ${'f'.repeat(64)}: no such document in the store`,
      );
    } finally {
      await store.close();
    }
  });
});

const pgOk = postgresAvailable();
describe.skipIf(!pgOk)('nianbao worker', () => {
  const pg = storesOf('postgres');
  afterAll(() => pg.cleanup());

  it('refuses an SQLite store and job kinds it cannot work, in one line', async () => {
    for (const [args, msg] of [
      [['--db', 'output/n.db'], '--db must be a postgres:// URL'],
      [['--db', 'postgres://u@127.0.0.1:1/x', '--kinds', 'fetch,ocr'], '--kinds: unknown job kind ocr'],
      [['--db', 'postgres://u@127.0.0.1:1/x', '--concurrency', '0'], '--concurrency must be a whole number'],
      [['--db', 'postgres://u@127.0.0.1:1/x', '--extract-jobs', 'x'], '--extract-jobs must be a whole number'],
    ] as const) {
      const err = await exec(process.execPath, [BIN, 'worker', ...args]).catch((e) => e);
      expect(err.code).not.toBe(0);
      expect(err.stderr).toMatch(new RegExp(`^nianbao: ${msg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\n]*\n$`));
    }
  });

  it('takes extract jobs until SIGTERM, then stops gracefully', async () => {
    const url = await pg.fresh();
    const store = await openStore(url);
    const agencies = ['测试一局', '测试二局', '测试三局'];
    const shas = [];
    for (const a of agencies) shas.push(await storeDocument(store, report(a), `${a}.html`));
    const q = await FleetQueue.start(url);
    await q.enqueueExtract(shas.map((sha256, i) => ({ sha256, location: `${agencies[i]}.html` })));
    await q.stop(2000);
    const child = spawn(process.execPath, [BIN, 'worker', '--db', url, '--concurrency', '2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const t0 = Date.now();
      // A report is stored before its rules run: wait for both (a loaded machine is slow).
      const done = async () => (await store.allReports()).length >= 3 && (await store.listItems({})).length >= 3;
      while (!(await done()) && Date.now() - t0 < 40_000) await new Promise((r) => setTimeout(r, 200));
      expect((await store.allReports()).map((r) => r.agency).sort()).toEqual([...agencies].sort());
      expect((await store.listItems({})).length).toBe(3);
      await new Promise((r) => setTimeout(r, 1500)); // the last job's completion is recorded
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).toContain('worker stopped: 3 job(s) done');
    } finally {
      child.kill('SIGKILL');
      await store.close();
    }
  }, 90_000);
});

describe.skipIf(!pgOk)('extract jobs of a crawl run', () => {
  const pg = storesOf('postgres');
  afterAll(() => pg.cleanup());

  it("are waited for by run; one that fails on every attempt is the run's ingest failure, recorded once", async () => {
    const url = await pg.fresh();
    const store = await openStore(url);
    const q = await FleetQueue.start(url, {
      retryLimit: 0,
      retryDelaySeconds: 0,
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
    });
    try {
      const run = await store.openCrawlRun(['s'], AT);
      const page = 'http://a.gov.cn/r.html';
      const missing = 'f'.repeat(64); // fetched and recorded, but its bytes are not in the store: every attempt throws
      await store.enqueueUrls([{ url: page, source: 's', kind: 'file', depth: 1, parent: null }], AT);
      await store.recordOutcome(
        page,
        run.id,
        { state: 'done', error: null, sha256: missing, etag: '"v1"' },
        {
          final_url: page,
          status: 200,
          bytes: 10,
          ms: 1,
          attempts: 1,
          etag: '"v1"',
          last_modified: null,
          outcome: 'new',
          error: null,
          at: AT,
        },
      );
      await q.enqueueExtract([{ sha256: missing, location: page, url: page, runId: run.id, crawlUrl: page }]);
      await q.enqueueExtract([{ sha256: 'e'.repeat(64), location: 'x', runId: run.id + 1 }]); // another run's
      expect(await q.pendingOfRun('extract', run.id)).toBe(1);
      await workExtracts(store, q, 1);
      const t0 = Date.now();
      while ((await q.pendingOfRun('extract', run.id)) > 0 && Date.now() - t0 < 30_000)
        await new Promise((r) => setTimeout(r, 200));
      expect(await q.pendingOfRun('extract', run.id)).toBe(0);
      expect(await recordFailedExtracts(store, q, run.id)).toBe(1);
      expect(await recordFailedExtracts(store, q, run.id)).toBe(0); // once per URL and run
      const row = await store.db.selectFrom('frontier').selectAll().where('url', '=', page).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'pending', sha256: null, etag: null, run_id: run.id });
      expect(row.error).toBe(`ingest: extract ${missing}: no such document in the store`);
      expect((await store.runOutcomes(run.id)).outcomes.get('ingest_failed')).toBe(1);
    } finally {
      await q.stop(2000);
      await store.close();
    }
  }, 60_000);
});
