// kill -9 in the middle of `nianbao crawl`, re-run: it finishes, and no URL that had completed is
// fetched again (asserted at the server).
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { demoReports, startSite } from '../../src/demo/site.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');

function completed(db: string): string[] {
  try {
    const d = new SQLite(db, { readonly: true, fileMustExist: true });
    const rows = d.prepare("select url from frontier where run_id is not null and state = 'done'").all() as Array<{
      url: string;
    }>;
    d.close();
    return rows.map((r) => new URL(r.url).pathname);
  } catch {
    return [];
  }
}

/** Report pages and attachments marked done whose bytes have no extraction run (must be none). */
function doneWithoutRun(db: string): string[] {
  const d = new SQLite(db, { readonly: true, fileMustExist: true });
  const rows = d
    .prepare(
      "select url from frontier f where kind != 'list' and state = 'done' and not exists (select 1 from runs r where r.sha256 = f.sha256)",
    )
    .all() as Array<{ url: string }>;
  d.close();
  return rows.map((r) => r.url);
}

describe('crawl crash safety', () => {
  it('kill -9 mid-crawl, re-run: finishes without refetching completed URLs', async () => {
    const site = await startSite({ reports: demoReports(16), perPage: 4, latency: () => 30 });
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-crawl-crash-'));
      const sources = path.join(dir, 'sources.json');
      writeFileSync(
        sources,
        JSON.stringify({ sources: [{ id: 'demo', agency: '示例市人民政府', entry: [site.entry] }] }),
      );
      const db = path.join(dir, 'n.db');
      const args = [BIN, 'crawl', '--sources', sources, '--db', db, '--allow-loopback', '--delay', '20'];
      const child = spawn(process.execPath, args, { stdio: 'ignore' });
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      const t0 = Date.now();
      while (completed(db).length < 6 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await exited;
      const done = new Set(completed(db));
      expect(done.size).toBeGreaterThanOrEqual(6);
      expect(doneWithoutRun(db)).toEqual([]);
      const cut = site.requests.length;
      const { stderr } = await exec(process.execPath, args);
      expect(stderr).toMatch(/crawl #1 \(resumed\)/);
      const again = site.requests
        .slice(cut)
        .map((r) => new URL(r.path, 'http://x').pathname)
        .filter((p) => done.has(p));
      expect(again).toEqual([]);
      const reports = completed(db).filter((p) => /\/t\d+_\d+\.html$/.test(p));
      expect(reports).toHaveLength(16);
      expect(doneWithoutRun(db)).toEqual([]);
    } finally {
      await site.close();
    }
  }, 60_000);
});
