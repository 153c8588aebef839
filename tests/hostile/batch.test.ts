// Done means (issue 13): `nianbao ingest` of [good report, every hostile file, good report] as a
// child process: exit 1 within minutes, the process tree under 2 GB at its peak, both good reports
// stored, one line per hostile file, each recorded as failed; `nianbao extract` of each hostile file
// gives its one line and exit 1, no crash.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { Store } from '../../src/store/store.ts';
import { goodReport, repeatedRowHtml, writeHostileFiles } from './files.ts';

const BIN = path.resolve('bin/nianbao.js');
const PAGE = 4096;

/** Resident memory (bytes) of a process and all its descendants, from /proc. */
function treeRss(root: number): number {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  let sum = 0;
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    try {
      sum += Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * PAGE;
    } catch {}
  }
  return sum;
}

/** Run the CLI; sample the process tree's resident memory while it runs. */
function nianbao(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; stdout: string; peak: number; ms: number }> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    let stdout = '';
    let peak = 0;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    const watch = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 100);
    child.on('close', (code) => {
      clearInterval(watch);
      resolve({ code, stderr, stdout, peak, ms: performance.now() - t });
    });
  });
}

describe('a batch with hostile files in it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-hostile-'));
  const first = path.join(dir, 'a-good.html');
  const last = path.join(dir, 'z-good.html');
  writeFileSync(first, renderHtml(goodReport('前一局', 2022), PLAIN));
  writeFileSync(last, renderHtml(goodReport('后一局', 2023), PLAIN));
  const hostile = writeHostileFiles(dir);
  // Not a failure: one table-3 row printed 5000 more times is read, with one collapsed E-DUP.
  const repeated = path.join(dir, 'repeated-row.html');
  writeFileSync(repeated, repeatedRowHtml(5000));

  it('ingest: both good reports land, one line per hostile file, exit 1, bounded time and memory', async () => {
    const db = path.join(dir, 'store.db');
    const r = await nianbao(['ingest', '--db', db, first, ...hostile.map((h) => h.file), repeated, last]);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(5 * 60_000);
    expect(r.peak).toBeGreaterThan(0);
    expect(r.peak).toBeLessThan(2 * 1024 ** 3);
    console.log(`hostile batch: ${Math.round(r.ms / 1000)} s, peak RSS of the process tree ${r.peak >> 20} MB`);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('nianbao: '));
    expect(lines).toHaveLength(hostile.length);
    // One line each (special files are reported by the folder walk, before the documents are read).
    for (const h of hostile) {
      const mine = lines.filter((l) => l.startsWith(`nianbao: ${h.file}: `));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatch(h.reason);
    }
    expect(r.stderr).toMatch(new RegExp(`ingested ${hostile.length + 3} files: .* ${hostile.length} failed;`));
    const store = await Store.openSqlite(db);
    try {
      for (const [agency, year] of [
        ['前一局', 2022],
        ['后一局', 2023],
        ['重复行测试局', 2022],
      ] as const) {
        const rep = await store.report(`${agency}|${year}`);
        expect(rep, agency).not.toBeNull();
        const rec = await store.runRecord(rep!.current_run_id!);
        expect(rec!.cells.length).toBe(200);
        if (agency === '重复行测试局') expect(rec!.findings.filter((f) => f.rule === 'E-DUP')).toHaveLength(1);
      }
      // Files that could be read into the store are recorded as failed with their reason.
      const failures = await store.listFailures();
      const readable = hostile.filter((h) => !/not a regular file/.test(h.reason.source));
      expect(failures.map((f) => f.location).sort()).toEqual(readable.map((h) => h.file).sort());
      for (const f of failures) expect(f.reason).toMatch(hostile.find((h) => h.file === f.location)!.reason);
    } finally {
      await store.close();
    }
  }, 400_000);

  it('the budgets are set from the environment: a slow document is stopped, the batch goes on', async () => {
    const slow = path.join(dir, 'slow.html');
    writeFileSync(slow, repeatedRowHtml(40_000));
    const db = path.join(dir, 'env.db');
    const r = await nianbao(['ingest', '--db', db, first, slow, last], { NIANBAO_DOC_TIMEOUT_S: '0.5' });
    expect(r.code).toBe(1);
    // 0.5 s of CPU time, or 2.5 s of wall clock on a loaded machine, whichever comes first.
    expect(r.stderr).toContain(`nianbao: ${slow}: too slow: still reading after `);
    const store = await Store.openSqlite(db);
    try {
      expect(await store.report('前一局|2022')).not.toBeNull();
      expect(await store.report('后一局|2023')).not.toBeNull();
      expect((await store.listFailures()).map((f) => f.location)).toEqual([slow]);
    } finally {
      await store.close();
    }
  }, 400_000);

  it('extract: each hostile file gets its one line and exit 1, nothing on stdout', async () => {
    for (const h of hostile) {
      const r = await nianbao(['extract', h.file]);
      expect(r.code, h.file).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^nianbao: ${h.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .+\n$`));
      expect(r.stderr).toMatch(h.reason);
      expect(r.peak).toBeLessThan(2 * 1024 ** 3);
    }
  }, 400_000);
});
