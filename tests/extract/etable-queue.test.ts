// Done means: on a folder of damaged copies, `ingest` then `review list --rule E-TABLE --json` lists
// every report with an unread table (through the CLI, as the README documents it).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { layoutKeys } from '../../src/demo/layout.ts';
import { renderDump, renderHtml } from '../../src/demo/render.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const nianbao = async (...args: string[]) =>
  (await run(process.execPath, [BIN, ...args], { maxBuffer: 64 << 20 })).stdout;

describe('unread tables reach the review queue', () => {
  it('ingest of damaged copies → review list --rule E-TABLE names each report and table', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-etable-'));
    const input = path.join(dir, 'in');
    mkdirSync(input);
    const zeros = (version: 'v2019' | 'v2021') => new Map(layoutKeys(version).map((k) => [k, '0']));
    // A page without table 4; a collapsed dump (runs of equal lines merged: tables 3 and 4 unreadable).
    const page = new TextDecoder()
      .decode(renderHtml({ version: 'v2021', agency: '莆田市审计局', year: 2023, cells: zeros('v2021') }))
      .replace(/<table(?:(?!<table)[\s\S])*?<\/table>(?![\s\S]*<table)/, '');
    writeFileSync(path.join(input, 'a.html'), page);
    const dump = renderDump({ version: 'v2019', agency: '莆田市林业局', year: 2020, cells: zeros('v2019') })
      .split('\n')
      .filter((l, i, a) => i === 0 || l !== a[i - 1])
      .join('\n');
    writeFileSync(path.join(input, 'b.txt'), dump);
    const db = path.join(dir, 'db.sqlite');
    await nianbao('ingest', input, '--db', db);
    const items = JSON.parse(await nianbao('review', 'list', '--rule', 'E-TABLE', '--json', '--db', db)) as Array<{
      agency: string;
      finding: { detail?: { table: string; reason: string } };
    }>;
    const got = items.map((i) => `${i.agency}|${i.finding.detail?.table}|${i.finding.detail?.reason}`).sort();
    expect(got).toContain('莆田市审计局|table4|not_printed');
    expect(got.filter((g) => g.startsWith('莆田市林业局|')).length).toBeGreaterThan(0);
    expect(got.every((g) => !g.startsWith('莆田市审计局|table2') && !g.startsWith('莆田市审计局|table3'))).toBe(true);
  }, 60_000);
});
