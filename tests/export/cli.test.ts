// The commands as the README documents them: export (package folder or the long cells file),
// bodies list/show/merge/alias, summary; bad options give one line and exit status 2.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/export/cells.ts';
import { describeStores, itOnce } from '../helpers/stores.ts';
import { FIXTURES, renderFixture } from './fixture-store.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
// The reports, written once; each dialect ingests them into its own store and writes beside it.
const reports = mkdtempSync(path.join(tmpdir(), 'nianbao-cli-export-'));
for (const [i, f] of FIXTURES.entries()) writeFileSync(path.join(reports, `r${i}.html`), renderFixture(f));

describeStores('nianbao export / bodies / summary', (stores) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'nianbao-cli-export-'));
  let db: string;
  const nianbao = async (...args: string[]) => {
    try {
      const opts = { maxBuffer: 64 << 20, cwd: tmp };
      return { code: 0, ...(await exec(process.execPath, [BIN, ...args, '--db', db], opts)) };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  };

  beforeAll(async () => {
    db = await stores.fresh();
    expect((await nianbao('ingest', reports)).code).toBe(0);
  }, 120_000);

  it('export --out FILE.csv keeps the long cells layout; --out DIR writes the package', async () => {
    const file = path.join(tmp, 'cells-long.csv');
    expect((await nianbao('export', '--format', 'csv', '--out', file)).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    expect(lines.length).toBeGreaterThan(100);
    const dir = path.join(tmp, 'pkg');
    const r = await nianbao('export', '--format', 'jsonl', '--out', dir, '--agency', '审计局');
    expect(r.code).toBe(0);
    for (const l of ['cells', 'reports', 'findings', 'coverage', 'bodies'])
      expect(existsSync(path.join(dir, `${l}.jsonl`)), l).toBe(true);
    const reports = readFileSync(path.join(dir, 'reports.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(reports.map((x) => x.agency)).toEqual(
      FIXTURES.filter((f) => f.agency === '莆田市审计局').map((f) => f.agency),
    );
    expect(JSON.parse(readFileSync(path.join(dir, 'datapackage.json'), 'utf8')).resources[0].path).toBe('cells.jsonl');
  }, 60_000);

  // Refused before any store is opened: once is enough.
  itOnce(stores)(
    'bad options: one line, exit status 2',
    async () => {
      for (const args of [
        ['export', '--format', 'parquet'],
        ['export', '--format', 'xlsx', '--out', path.join(tmp, 'x')],
        ['export', '--format', 'csv', '--out', path.join(tmp, 'y'), '--region', 'fujian'],
      ]) {
        const r = await nianbao(...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^nianbao: /);
      }
    },
    60_000,
  );

  it('bodies list / merge / show: the merge is audited and the reports follow', async () => {
    const list = (await nianbao('bodies', 'list', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(list.find((b) => b.name === '三明市人民政府')).toMatchObject({ region_code: '350400', level: 'prefecture' });
    const old = list.find((b) => b.name === '沭阳县发展和改革局')!;
    const m = await nianbao('bodies', 'merge', old.id, '莆田市审计局', '--note', 'test merge', '--who', 'carol');
    expect(m.code).toBe(0);
    const shown = JSON.parse((await nianbao('bodies', 'show', '莆田市审计局', '--json')).stdout);
    expect(shown.events.at(-1)).toMatchObject({ action: 'merged', who: 'carol', note: 'test merge' });
    expect(shown.aliases.map((a: { name: string }) => a.name)).toContain('沭阳县发展和改革局');
    expect(shown.reports.map((r: { agency: string }) => r.agency)).toContain('沭阳县发展和改革局');
  }, 60_000);

  it('summary --out DIR writes a page of SVG charts', async () => {
    const dir = path.join(tmp, 'summary');
    expect((await nianbao('summary', '--out', dir)).code).toBe(0);
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(5);
  }, 60_000);
});
