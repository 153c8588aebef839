// kill -9 in the middle of an ingest loses nothing committed, and re-running finishes the job with
// the same store a clean run produces.
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const FILES = 300;

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

function snapshot(db: string) {
  const d = new SQLite(db, { readonly: true });
  const reports = d
    .prepare(
      'select r.report_key, count(c.tbl) n from reports r join runs u on u.id = r.current_run_id join cells c on c.run_id = u.id group by r.report_key order by r.report_key',
    )
    .all();
  const items = d.prepare('select fingerprint, status from review_items order by fingerprint').all();
  const runs = (d.prepare('select count(*) n from runs').get() as { n: number }).n;
  d.close();
  return { reports, items, runs };
}

const count = (db: string) => {
  if (!existsSync(db)) return 0;
  try {
    const d = new SQLite(db, { readonly: true, fileMustExist: true });
    const n = (d.prepare('select count(*) n from runs').get() as { n: number }).n;
    d.close();
    return n;
  } catch {
    return 0;
  }
};

describe('crash safety', () => {
  it('kill -9 mid-ingest, re-run: finishes, identical to a clean run', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'nianbao-crash-'));
    const corpus = path.join(root, 'corpus');
    makeCorpus(corpus);
    const crashed = path.join(root, 'crashed.db');
    const child = spawn(process.execPath, [BIN, 'ingest', corpus, '--db', crashed], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const t0 = Date.now();
    while (count(crashed) < 40 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const atKill = count(crashed);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(FILES); // really interrupted
    await run(process.execPath, [BIN, 'ingest', corpus, '--db', crashed]);
    const clean = path.join(root, 'clean.db');
    await run(process.execPath, [BIN, 'ingest', corpus, '--db', clean]);
    const a = snapshot(crashed),
      b = snapshot(clean);
    expect(a.runs).toBe(FILES);
    expect(a).toEqual(b);
  }, 120_000);
});
