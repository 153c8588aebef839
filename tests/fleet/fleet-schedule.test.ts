// Two `nianbao schedule --workers 1` processes on one Postgres store: every cron tick is crawled by
// exactly one of them (the tick is claimed in the store), never twice. Asserted at the server too:
// robots.txt is asked for once per crawl run, so a tick crawled twice would show up there.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReports, startSite } from '../../src/demo/site.ts';
import { createTestDatabase, dropTestDatabase, postgresAvailable } from '../helpers/stores.ts';

const available = postgresAvailable();
describe.skipIf(!available && process.env.CI !== 'true')('fleet schedule (Postgres)', () => {
  let url = '';
  beforeAll(async () => {
    if (!available) throw new Error('CI=true but DATABASE_URL is not set');
    url = await createTestDatabase();
  });
  afterAll(async () => {
    if (url) await dropTestDatabase(url);
  });

  it('two schedulers: each tick crawled once', async () => {
    const site = await startSite({ reports: demoReports(2), perPage: 5, robots: 'User-agent: *\nCrawl-delay: 0.01\n' });
    const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-fleet-schedule-'));
    const sources = path.join(dir, 's.json');
    writeFileSync(sources, JSON.stringify([{ id: 'demo', agency: '示例市人民政府', entry: [site.entry] }]));
    const args = ['schedule', '--sources', sources, '--db', url, '--workers', '1', '--allow-loopback'];
    const schedulers = [0, 1].map(() => {
      const child = spawn(process.execPath, [path.resolve('bin/nianbao.js'), ...args, '--cron', '*/10 * * * * *'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const out = { child, stderr: '' };
      child.stderr.on('data', (d: Buffer) => {
        out.stderr += d.toString();
      });
      return out;
    });
    const crawls = () => schedulers.flatMap((s) => s.stderr.match(/crawl #\d+/g) ?? []);
    try {
      const t0 = Date.now();
      while (crawls().length < 2 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
      for (const s of schedulers) s.child.kill('SIGINT');
      const codes = await Promise.all(schedulers.map((s) => new Promise((r) => s.child.on('exit', r))));
      const all = crawls();
      expect(all.length, schedulers.map((s) => s.stderr).join('\n---\n')).toBeGreaterThanOrEqual(2);
      expect(new Set(all).size).toBe(all.length); // no run reported twice
      // The other scheduler saw the same ticks and left them alone.
      expect(schedulers.map((s) => s.stderr).join('')).toMatch(/tick \S+: run by another scheduler/);
      // Without the claim both would start each tick, and one would find the store locked (a crawl
      // takes a few seconds here, well inside the 10 s between ticks).
      expect(schedulers.map((s) => s.stderr).join('')).not.toMatch(/scheduled crawl failed|locked/);
      expect(site.requests.filter((r) => r.path === '/robots.txt').length).toBe(all.length);
      expect(codes).toEqual([0, 0]);
    } finally {
      for (const s of schedulers) s.child.kill('SIGKILL');
      await site.close();
    }
  }, 90_000);
});
