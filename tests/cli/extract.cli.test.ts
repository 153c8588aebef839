// The extract command end to end: JSON Lines on stdout in input order, one stderr line per bad input,
// non-zero exit after the rest are processed.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ReportRecord } from '../../src/record.ts';
import { renderHtml, renderTabText } from '../../src/demo/render.ts';
import { PLAIN, layoutKeys } from '../../src/demo/layout.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const report = {
  version: 'v2021' as const,
  agency: '测试市司法局',
  year: 2024,
  cells: new Map(layoutKeys('v2021').map((k) => [k, '1'])),
};

async function extract(files: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'extract', ...files], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('nianbao extract', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-cli-'));
  const good = path.join(dir, 'good.html');
  writeFileSync(good, renderHtml(report, PLAIN));
  const text = path.join(dir, 'good.txt');
  writeFileSync(text, renderTabText(report, PLAIN));
  const empty = path.join(dir, 'empty.txt');
  writeFileSync(empty, '');
  const garbage = path.join(dir, 'garbage.html');
  writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const notReport = path.join(dir, 'news.html');
  writeFileSync(
    notReport,
    '<html><head><title>市政府召开常务会议</title></head><body><h1>市政府召开常务会议</h1><p>会议研究了有关工作。</p></body></html>',
  );
  const big = path.join(dir, 'big.html');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, 61 * 1024 * 1024);
  closeSync(fd);

  it('prints one valid record per readable input, in order, and names each bad input on stderr', async () => {
    const missing = path.join(dir, 'missing.html');
    const { code, stdout, stderr } = await extract([good, missing, empty, garbage, notReport, big, text]);
    expect(code).toBe(1);
    const records = stdout
      .trim()
      .split('\n')
      .map((l) => ReportRecord.parse(JSON.parse(l)));
    expect(records.map((r) => r.source.path)).toEqual([good, notReport, text]);
    expect(records[0]!.cells).toHaveLength(200);
    expect(records[0]!.report).toMatchObject({
      kind: 'ogi_annual_report',
      agency: '测试市司法局',
      report_year: 2024,
      tables_missing: [],
    });
    expect(records[1]!.report.kind).toBe('not_a_report');
    expect(records[1]!.cells).toEqual([]);
    expect(records[2]!.cells).toHaveLength(200);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`nianbao: ${missing}: no such file`);
    expect(lines[1]).toBe(`nianbao: ${empty}: empty file`);
    expect(lines[2]).toMatch(new RegExp(`^nianbao: ${garbage}: not a document`));
    expect(lines[3]).toMatch(new RegExp(`^nianbao: ${big}: too large`));
  }, 60_000);

  it('exits 0 when every input is readable', async () => {
    const { code, stderr } = await extract([good]);
    expect([code, stderr]).toEqual([0, '']);
  }, 30_000);
});
