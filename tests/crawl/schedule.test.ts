// `nianbao schedule` keeps running and re-crawls on its cron schedule; the second crawl is a
// conditional re-check (asserted at the server). Stopped with SIGINT.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { demoReports, startSite } from '../../src/demo/site.ts';
import { describeStores } from '../helpers/stores.ts';

describeStores('nianbao schedule', (stores) => {
  it('crawls on every tick until interrupted', async () => {
    const site = await startSite({ reports: demoReports(3), perPage: 5 });
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-schedule-'));
      const sources = path.join(dir, 's.json');
      writeFileSync(sources, JSON.stringify([{ id: 'demo', agency: '示例市人民政府', entry: [site.entry] }]));
      const child = spawn(
        process.execPath,
        [
          path.resolve('bin/nianbao.js'),
          'schedule',
          '--sources',
          sources,
          '--db',
          await stores.fresh(),
          '--allow-loopback',
          '--delay',
          '10',
          '--cron',
          '*/2 * * * * *',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const t0 = Date.now();
      while ((stderr.match(/crawl #\d+/g) ?? []).length < 2 && Date.now() - t0 < 30_000)
        await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(stderr).toMatch(/scheduled "\*\/2 \* \* \* \* \*": next crawl at/);
      expect(stderr).toMatch(/crawl #1: found \d+ new URLs/);
      expect(stderr).toMatch(/crawl #2: found 0 new URLs, fetched \d+, unchanged \d+, changed 0/);
      expect(code).toBe(0);
      const reportHits = site.requests.filter((r) => /\/t\d+_\d+\.html$/.test(r.path));
      expect(reportHits.some((r) => r.ifNoneMatch !== null)).toBe(true);
    } finally {
      await site.close();
    }
  }, 60_000);
});
