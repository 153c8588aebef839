// Scheduled use: cron and systemd start `node /abs/path/bin/nianbao.js` in some other folder. The
// launcher must work from there and must not let that folder's tsconfig.json redirect its imports.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { BIN, runCli } from './run-cli.ts';

describe('bin/nianbao.js by absolute path from another working directory', () => {
  it('--help works, and a tsconfig.json in that folder cannot redirect imports', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'nianbao-cron-'));
    writeFileSync(
      path.join(cwd, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { commander: ['./evil.ts'] } } }),
    );
    writeFileSync(
      path.join(cwd, 'evil.ts'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(path.join(cwd, 'HIJACKED'))}, 'x');\n` +
        'export class Command {}\nexport class InvalidArgumentError extends Error {}\n',
    );
    const r = await runCli(['--help'], { cwd });
    expect(existsSync(path.join(cwd, 'HIJACKED'))).toBe(false);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: nianbao /);
    expect(path.isAbsolute(BIN)).toBe(true);
  });

  it('a whole command runs there: ingest with an absolute --db, then review list', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'nianbao-cron-'));
    const data = mkdtempSync(path.join(tmpdir(), 'nianbao-data-'));
    const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
    cells.set('table4|review|upheld', '10');
    const file = path.join(data, 'r.html');
    writeFileSync(file, renderHtml({ version: 'v2021', agency: '测试市林业局', year: 2024, cells }, PLAIN));
    const db = path.join(data, 'store.db');
    const ingest = await runCli(['ingest', file, '--db', db], { cwd });
    expect(ingest.code).toBe(0);
    expect(existsSync(path.join(data, 'store.review-queue.jsonl'))).toBe(true);
    expect(existsSync(path.join(cwd, 'output'))).toBe(false);
    const list = await runCli(['review', 'list', '--db', db], { cwd });
    expect(list.stdout).toMatch(/\tT4-1\t/);
  });
});
