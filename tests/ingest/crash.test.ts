// kill -9 in the middle of an ingest loses nothing committed, and re-running finishes the job with
// the same store a clean run produces.
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStores } from '../helpers/stores.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const FILES = 120;

function makeCorpus(dir: string) {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const cells = new Map(layoutKeys('v2021').map((k, j) => [k, String((i + j) % 3 === 0 ? 1 : 0)]));
    writeFileSync(
      path.join(dir, `r${String(i).padStart(3, '0')}.html`),
      renderHtml({ version: 'v2021', agency: `测试${i}号局`, year: 2020 + (i % 5) + 1, cells }, PLAIN),
    );
  }
}

async function snapshot(db: string) {
  const store = await openStore(db, { mustExist: true });
  try {
    const reports = await store.db
      .selectFrom('reports as r')
      .innerJoin('runs as u', 'u.id', 'r.current_run_id')
      .innerJoin('cells as c', 'c.run_id', 'u.id')
      .select((e) => ['r.report_key', e.fn.count<number>('c.tbl').as('n')])
      .groupBy('r.report_key')
      .orderBy('r.report_key')
      .execute();
    const items = await store.db
      .selectFrom('review_items')
      .select(['fingerprint', 'status'])
      .orderBy('fingerprint')
      .execute();
    return { reports, items, runs: await runs(store) };
  } finally {
    await store.close();
  }
}

const runs = async (store: Store) =>
  (
    await store.db
      .selectFrom('runs')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;

/** Runs stored so far; 0 while the store does not exist yet. */
const count = async (db: string) => {
  const store = await openStore(db, { mustExist: true }).catch(() => null);
  if (!store) return 0;
  try {
    return await runs(store);
  } finally {
    await store.close();
  }
};

describeStores('crash safety', (stores) => {
  it('kill -9 mid-ingest, re-run: finishes, identical to a clean run', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'nianbao-crash-'));
    const corpus = path.join(root, 'corpus');
    makeCorpus(corpus);
    const crashed = await stores.fresh();
    // cwd: a Postgres store's queue file goes to ./output
    const child = spawn(process.execPath, [BIN, 'ingest', corpus, '--db', crashed], { stdio: 'ignore', cwd: root });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const t0 = Date.now();
    while ((await count(crashed)) < 25 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const atKill = await count(crashed);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(FILES); // really interrupted
    await run(process.execPath, [BIN, 'ingest', corpus, '--db', crashed], { cwd: root });
    const clean = await stores.fresh();
    await run(process.execPath, [BIN, 'ingest', corpus, '--db', clean], { cwd: root });
    const a = await snapshot(crashed),
      b = await snapshot(clean);
    expect(a.runs).toBe(FILES);
    expect(a).toEqual(b);
  }, 300_000);
});
