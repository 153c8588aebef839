// Where the commands write: a path that cannot be written is one line `nianbao: PATH: reason` and a
// non-zero exit; a reader that goes away (`| head -1`) ends the command quietly with exit 0.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import { openOutput, OutputError } from '../../src/cli/output.ts';
import { openStore } from '../../src/store/open.ts';
import { bigStore } from '../helpers/big-store.ts';
import { describeStores } from '../helpers/stores.ts';
import { runCli, runCliIntoHead } from './run-cli.ts';

const AT = '2026-01-01T00:00:00.000Z';
const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-output-'));
const db = path.join(dir, 'cells.db'); // reports with cells: export has thousands of lines
const reportFile = path.join(dir, 'report.html');

const report = (agency: string, year: number) =>
  renderHtml(
    { version: 'v2021', agency, year, cells: new Map(layoutKeys('v2021').map((k, i) => [k, String(i % 7)])) },
    PLAIN,
  );

/** Five reports with cells: their export has thousands of lines. */
async function cellsStore(target: string) {
  const store = await openStore(target);
  for (const [i, agency] of [
    '测试市林业局',
    '测试市水利局',
    '测试市审计局',
    '测试市统计局',
    '测试市民政局',
  ].entries()) {
    const r = await ingestBytes(store, report(agency, 2021 + (i % 3)), { location: `${i}.html` }, AT);
    await recheck(store, [r.reportId!], AT);
  }
  await store.close();
}

beforeAll(async () => {
  await cellsStore(db);
  writeFileSync(reportFile, report('测试市林业局', 2024));
});

describe('a write error names the path and the reason', () => {
  it('export --out into a missing folder', async () => {
    const out = path.join(dir, 'no-such-folder', 'cells.csv');
    const r = await runCli(['export', '--db', db, '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(`nianbao: ${out}: no such folder: ${path.dirname(out)}\n`);
  });

  it('export --format parquet --out onto a file (a package is a folder)', async () => {
    const out = path.join(dir, 'a-file');
    writeFileSync(out, 'not a folder\n');
    const r = await runCli(['export', '--db', db, '--format', 'parquet', '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(`nianbao: ${out}: is a file, not a folder (a package is a folder)\n`);
    expect(readFileSync(out, 'utf8')).toBe('not a folder\n');
  });

  it('export --out onto a file that cannot be written', async () => {
    // root writes through any mode bits: as root, the command runs as `nobody` against a root-owned file.
    const shared = mkdtempSync(path.join(tmpdir(), 'nianbao-locked-'));
    chmodSync(shared, 0o777);
    const store = path.join(shared, 'n.db');
    writeFileSync(store, readFileSync(db));
    chmodSync(store, 0o666);
    const out = path.join(shared, 'locked.csv');
    writeFileSync(out, 'old export\n');
    chmodSync(out, 0o444);
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await runCli(['export', '--db', store, '--out', out], asUser);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(`nianbao: ${out}: permission denied\n`);
    expect(readFileSync(out, 'utf8')).toBe('old export\n');
  });

  it('a full disk while writing is named too (/dev/full)', async () => {
    const r = await runCli(['export', '--db', db, '--out', '/dev/full']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe('nianbao: /dev/full: no space left on device\n');
  });

  it('a good --out still writes the whole export', async () => {
    const out = path.join(dir, 'cells.csv');
    const r = await runCli(['export', '--db', db, '--out', out]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(r.stderr).toBe(`exported ${lines.length - 1} cells to ${out}\n`);
    expect(lines.length).toBeGreaterThan(1000);
  });

  it('openOutput fails before anything is written, with an OutputError naming the file', async () => {
    const out = path.join(dir, 'missing', 'x.jsonl');
    await expect(openOutput(out)).rejects.toThrow(OutputError);
    await expect(openOutput(out)).rejects.toThrow(`${out}: no such folder`);
    expect(existsSync(path.dirname(out))).toBe(false);
  });
});

describeStores('a closed pipe ends the output quietly with exit status 0', (stores) => {
  let db: string;
  let itemsDb: string; // thousands of review items
  beforeAll(async () => {
    db = await stores.fresh();
    await cellsStore(db);
    itemsDb = await stores.fresh();
    await (await bigStore(itemsDb, 2000, 3)).close();
  }, 120_000);

  it('export | head -1', () => {
    const r = runCliIntoHead(['export', '--db', db]);
    expect(r.stdout.startsWith('report_id,')).toBe(true);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
  });

  it('export --format jsonl | head -1', () => {
    const r = runCliIntoHead(['export', '--db', db, '--format', 'jsonl']);
    expect(JSON.parse(r.stdout)).toHaveProperty('report_id');
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
  });

  it('review list | head -1', () => {
    const r = runCliIntoHead(['review', 'list', '--db', itemsDb]);
    expect(r.stdout).toMatch(/^#\d+\topen\t/);
    expect(r.stderr).toBe(''); // not even the "N item(s)" summary: output stopped
    expect(r.code).toBe(0);
  });

  it('review list --json | head -1', () => {
    const r = runCliIntoHead(['review', 'list', '--db', itemsDb, '--json']);
    expect(r.stdout).toBe('[\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('a closed pipe ends extract quietly', () => {
  it('extract | head -1', () => {
    const r = runCliIntoHead(['extract', ...Array.from({ length: 40 }, () => reportFile)]);
    expect(JSON.parse(r.stdout).report.agency).toBe('测试市林业局');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
