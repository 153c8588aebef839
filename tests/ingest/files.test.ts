// Folder walks: symlinked reports are followed (loops end), special files and broken links are
// reported, one line each, never dropped silently.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { collectFiles } from '../../src/ingest/files.ts';
import { runCli } from '../cli/run-cli.ts';
import { describeStores } from '../helpers/stores.ts';

const report = (agency: string) =>
  renderHtml({ version: 'v2021', agency, year: 2024, cells: new Map(layoutKeys('v2021').map((k) => [k, '0'])) }, PLAIN);

/** reports/ with a real report, links to a report outside, to a folder, to itself, a broken link and a FIFO. */
function tree() {
  const root = mkdtempSync(path.join(tmpdir(), 'nianbao-walk-'));
  const dir = path.join(root, 'reports');
  const outside = path.join(root, 'elsewhere');
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(dir, 'a.html'), report('测试市林业局'));
  writeFileSync(path.join(outside, 'linked.html'), report('测试市水利局'));
  mkdirSync(path.join(outside, 'more'));
  writeFileSync(path.join(outside, 'more', 'c.html'), report('测试市审计局'));
  symlinkSync(path.join(outside, 'linked.html'), path.join(dir, 'b-link.html')); // → a regular file
  symlinkSync(path.join(outside, 'more'), path.join(dir, 'more-link')); // → a folder
  symlinkSync(dir, path.join(dir, 'sub', 'loop')); // → an ancestor: a loop
  symlinkSync(path.join(root, 'gone.html'), path.join(dir, 'broken.html')); // → nothing
  symlinkSync(path.join(dir, 'self.pdf'), path.join(dir, 'self.pdf')); // → itself
  execFileSync('mkfifo', [path.join(dir, 'pipe.html')]);
  writeFileSync(path.join(dir, 'notes.xyz'), 'not a report name: ignored as before');
  return dir;
}

describe('collectFiles', () => {
  it('follows links to files and folders once, and reports what it cannot ingest', async () => {
    const dir = tree();
    const skipped: Array<[string, string]> = [];
    const files = await collectFiles([dir], (f, reason) => skipped.push([path.relative(dir, f), reason]));
    expect(files.map((f) => path.relative(dir, f))).toEqual(['a.html', 'b-link.html', 'more-link/c.html']);
    expect(skipped.sort()).toEqual([
      ['broken.html', 'broken symbolic link: skipped'],
      ['pipe.html', 'not a regular file (a FIFO): skipped'],
      ['self.pdf', 'symbolic link loop: skipped'],
    ]);
  });

  it('a special file named on the command line is reported, not read (a FIFO would block)', async () => {
    const dir = tree();
    const skipped: string[] = [];
    const files = await collectFiles([path.join(dir, 'pipe.html'), path.join(dir, 'a.html')], (f, r) =>
      skipped.push(`${path.basename(f)}: ${r}`),
    );
    expect(files).toEqual([path.join(dir, 'a.html')]);
    expect(skipped).toEqual(['pipe.html: not a regular file (a FIFO): skipped']);
  });
});

describeStores('nianbao ingest FOLDER', (stores) => {
  it('ingests the linked reports, prints one line per skipped path, counts them as failed (exit 1)', async () => {
    const dir = tree();
    const r = await runCli(['ingest', dir, '--db', await stores.fresh()], { cwd: path.dirname(dir) });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('nianbao: ')).sort()).toEqual([
      `nianbao: ${path.join(dir, 'broken.html')}: broken symbolic link: skipped`,
      `nianbao: ${path.join(dir, 'pipe.html')}: not a regular file (a FIFO): skipped`,
      `nianbao: ${path.join(dir, 'self.pdf')}: symbolic link loop: skipped`,
    ]);
    expect(r.stderr).toMatch(
      /ingested 6 files: 3 new documents, 3 extracted, 0 unchanged, 3 failed; 3 reports checked/,
    );
  });
});
