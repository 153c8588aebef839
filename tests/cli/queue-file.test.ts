// One store, one queue file: the queue is named after its store, so two stores in one folder keep
// their own queues.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { DEFAULT_DB, queueFileFor } from '../../src/store/paths.ts';
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

describe('ingest into two stores in one folder', () => {
  it('writes one queue file per store, each with its own items', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-queues-'));
    const report = (agency: string, bad: boolean) => {
      const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
      if (bad) cells.set('table4|review|upheld', '10'); // T4-1 fails
      const file = path.join(dir, `${agency}.html`);
      writeFileSync(file, renderHtml({ version: 'v2021', agency, year: 2024, cells }, PLAIN));
      return file;
    };
    const a = await runCli(['ingest', report('测试市林业局', true), '--db', path.join(dir, 'a.db')]);
    const b = await runCli(['ingest', report('测试市水利局', false), '--db', path.join(dir, 'b.db')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const qa = path.join(dir, 'a.review-queue.jsonl');
    const qb = path.join(dir, 'b.review-queue.jsonl');
    expect(a.stderr).toContain(`1 open in ${qa}`);
    expect(b.stderr).toContain(`0 open in ${qb}`);
    expect(
      readFileSync(qa, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).agency),
    ).toEqual(['测试市林业局']);
    expect(readFileSync(qb, 'utf8')).toBe('');
    expect(existsSync(path.join(dir, 'review-queue.jsonl'))).toBe(false);
  });
});
