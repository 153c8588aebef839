// One store, one queue file: the queue is named after its store, so two stores in one folder keep
// their own queues (a Postgres store's under output/ of the working folder, named after its database).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { DEFAULT_DB, queueFileFor } from '../../src/store/paths.ts';
import { describeStores } from '../helpers/stores.ts';
import { runCli } from './run-cli.ts';

describe('queueFileFor', () => {
  it('names the queue after the store, beside it', () => {
    expect(queueFileFor('/data/nianbao.db')).toBe('/data/nianbao.review-queue.jsonl');
    expect(queueFileFor('/data/fujian.sqlite')).toBe('/data/fujian.review-queue.jsonl');
    expect(queueFileFor('/data/store')).toBe('/data/store.review-queue.jsonl');
    expect(queueFileFor('/data/v1.2.db')).toBe('/data/v1.2.review-queue.jsonl');
    expect(queueFileFor(DEFAULT_DB)).toBe(path.resolve('output/nianbao.review-queue.jsonl'));
    expect(queueFileFor('postgres://postgres@127.0.0.1:55432/fleet')).toBe(
      path.resolve('output/fleet.review-queue.jsonl'),
    );
  });

  it('stores with different names in one folder never share a queue file', () => {
    const names = ['a.db', 'b.db', 'nianbao.db', 'nianbao.test.db', 'c.sqlite', 'd'];
    expect(new Set(names.map((n) => queueFileFor(path.join('/data', n)))).size).toBe(names.length);
  });
});

describeStores('ingest into two stores in one folder', (stores) => {
  it('writes one queue file per store, each with its own items; a decision rewrites its own', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-queues-'));
    const report = (agency: string, bad: boolean) => {
      const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
      if (bad) cells.set('table4|review|upheld', '10'); // T4-1 fails
      const file = path.join(dir, `${agency}.html`);
      writeFileSync(file, renderHtml({ version: 'v2021', agency, year: 2024, cells }, PLAIN));
      return file;
    };
    // SQLite: a.db and b.db side by side. Postgres: two databases, whose queues are written under
    // output/ of the working folder, named after each database.
    const sqlite = stores.kind === 'sqlite';
    const [a, b] = sqlite
      ? [path.join(dir, 'a.db'), path.join(dir, 'b.db')]
      : [await stores.fresh(), await stores.fresh()];
    const queueOf = (db: string) =>
      sqlite
        ? db.replace(/\.db$/, '.review-queue.jsonl')
        : path.join(dir, 'output', `${new URL(db).pathname.slice(1)}.review-queue.jsonl`);
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runCli(args, { cwd: dir, env: { ...process.env, NIANBAO_DB: '', ...env } });
    // One store named by --db, the other by $NIANBAO_DB.
    const ra = await cli(['ingest', report('测试市林业局', true), '--db', a]);
    const rb = await cli(['ingest', report('测试市水利局', false)], { NIANBAO_DB: b });
    expect([ra.code, rb.code], ra.stderr + rb.stderr).toEqual([0, 0]);
    const [qa, qb] = [queueOf(a), queueOf(b)];
    expect(ra.stderr).toContain(`1 open in ${qa}`);
    expect(rb.stderr).toContain(`0 open in ${qb}`);
    const queued = (q: string) =>
      readFileSync(q, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    expect(queued(qa).map((x) => x.agency)).toEqual(['测试市林业局']);
    expect(readFileSync(qb, 'utf8')).toBe('');
    expect(existsSync(path.join(dir, 'review-queue.jsonl'))).toBe(false);
    expect(existsSync(path.join(dir, 'output', 'nianbao.review-queue.jsonl'))).toBe(false);
    // A decision made through the review command rewrites that store's queue, and only that one.
    const decided = await cli(['review', 'decide', String(queued(qa)[0].id), '--as', 'false-alarm', '--db', a]);
    expect(decided.code, decided.stderr).toBe(0);
    expect(readFileSync(qa, 'utf8')).toBe('');
    expect(readFileSync(qb, 'utf8')).toBe('');
  });
});
