// The last line of defence: whatever a document does inside its child process (runs out of heap,
// runs forever), the batch goes on, the document is recorded as failed with its reason, and the
// pool replaces the child. Extraction in the pool gives exactly the in-process record.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestBytes, ingestFiles } from '../../src/ingest/ingest.ts';
import { ExtractionPool } from '../../src/isolate/pool.ts';
import { extractBytes } from '../../src/pipeline.ts';
import { renderHtml, renderTabText } from '../../src/demo/render.ts';
import { PLAIN } from '../../src/demo/layout.ts';
import { Store } from '../../src/store/store.ts';
import { goodReport, hugeSpanHtml, repeatedRowHtml } from './files.ts';

const good = (agency: string, year = 2022) => renderHtml(goodReport(agency, year), PLAIN);

describe('the extraction pool', () => {
  it('gives the same record as extraction in process', async () => {
    const pool = new ExtractionPool(1);
    try {
      for (const bytes of [good('甲局'), Buffer.from(renderTabText(goodReport('乙局', 2023), PLAIN))]) {
        const input = { path: 'r.html' };
        expect(JSON.stringify(await pool.extract(bytes, input))).toBe(JSON.stringify(await extractBytes(bytes, input)));
      }
    } finally {
      pool.close();
    }
  }, 60_000);

  it('a document over the heap budget kills its child only: one line, then the next document reads', async () => {
    const pool = new ExtractionPool(1, { memoryMb: 64, timeoutS: 60 });
    try {
      // ~9 MB of HTML: parsing it needs several times 64 MB of heap.
      const big = Buffer.from(repeatedRowHtml(50_000));
      await expect(pool.extract(big, { path: 'big.html' })).rejects.toThrow(
        /^too large: reading it took more than 64 MB of memory/,
      );
      const r = await pool.extract(good('丙局'), { path: 'ok.html' });
      expect(r.report.agency).toBe('丙局');
    } finally {
      pool.close();
    }
  }, 120_000);

  it('a document over the time budget is stopped: one line, then the next document reads', async () => {
    const pool = new ExtractionPool(1, { memoryMb: 1024, timeoutS: 0.3 });
    try {
      // Warm the child up first, so that the limit meets the document, not the start-up.
      await pool.extract(good('丁局'), { path: 'warm.html' }).catch(() => null);
      const slow = Buffer.from(repeatedRowHtml(30_000));
      await expect(pool.extract(slow, { path: 'slow.html' })).rejects.toThrow(
        /^too slow: still reading after [\d.]+ s/,
      );
    } finally {
      pool.close();
    }
    const again = new ExtractionPool(1, { memoryMb: 1024, timeoutS: 60 });
    try {
      expect((await again.extract(good('戊局'), { path: 'ok.html' })).report.agency).toBe('戊局');
    } finally {
      again.close();
    }
  }, 120_000);
});

describe('failures are recorded in the store', () => {
  it('ingestBytes records the reason, counts attempts, and forgets it once the document reads', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-fail-'));
    const store = await Store.openSqlite(path.join(dir, 's.db'));
    try {
      const bad = Buffer.from(hugeSpanHtml());
      for (const at of ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'])
        await expect(
          ingestBytes(store, bad, { location: 'http://x/a.html', url: 'http://x/a.html' }, at),
        ).rejects.toThrow(/^too large: a table grid/);
      const [f, ...rest] = await store.listFailures();
      expect(rest).toEqual([]);
      expect(f).toMatchObject({
        location: 'http://x/a.html',
        attempts: 2,
        first_failed_at: '2026-01-01T00:00:00Z',
        last_failed_at: '2026-01-02T00:00:00Z',
      });
      expect(f!.reason).toMatch(/^too large: a table grid/);
      // The bytes are kept (content-addressed) even though nothing could be read from them.
      expect(await store.documentBytes(f!.sha256)).not.toBeNull();
      // A document that failed under a tight budget and reads under the normal one: failure cleared.
      const slow = Buffer.from(repeatedRowHtml(30_000));
      const tight = new ExtractionPool(1, { memoryMb: 1024, timeoutS: 0.2 });
      try {
        await expect(ingestBytes(store, slow, { location: 'd.html' }, 't', 'v', { pool: tight })).rejects.toThrow(
          /^too slow/,
        );
      } finally {
        tight.close();
      }
      expect((await store.listFailures()).map((x) => x.location).sort()).toEqual(['d.html', 'http://x/a.html']);
      expect((await store.listFailures('v')).map((x) => x.location)).toEqual(['d.html']);
      const r = await ingestBytes(store, slow, { location: 'd.html' }, 't2', 'v');
      expect(r.extracted).toBe(true);
      expect((await store.listFailures()).map((x) => x.location)).toEqual(['http://x/a.html']);
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('ingest --jobs', () => {
  it('N documents at once give the same store as one at a time', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-jobs-'));
    const files: string[] = [];
    const put = (name: string, data: string | Uint8Array) => {
      const f = path.join(dir, name);
      writeFileSync(f, data);
      files.push(f);
    };
    for (let i = 0; i < 6; i++) put(`r${i}.html`, good(`第${i}局`, 2021 + (i % 3)));
    put('span.html', hugeSpanHtml());
    files.push(path.join(dir, 'missing.html')); // fails at once, yet is reported after span.html
    put('r6.html', good('第0局', 2022)); // the same report again, next year's neighbour
    put('dup.html', repeatedRowHtml(300));
    put('empty.txt', '');
    const snapshot = async (jobs: number) => {
      const store = await Store.openSqlite(path.join(dir, `j${jobs}.db`));
      const lines: string[] = [];
      try {
        const s = await ingestFiles(
          store,
          files,
          { onError: (f, r) => lines.push(`${path.basename(f)}: ${r}`), now: () => '2026-01-01T00:00:00Z' },
          { jobs },
        );
        const reports = await store.allReports();
        const records = await Promise.all(reports.map((r) => store.runRecord(r.current_run_id!)));
        const items = await store.listItems({ status: 'all' });
        const failures = (await store.listFailures()).map(({ id: _, ...f }) => f);
        return { s, lines, reports, records, items, failures };
      } finally {
        await store.close();
      }
    };
    const one = await snapshot(1);
    const three = await snapshot(3);
    expect(one.s.failed).toBe(3);
    expect(one.lines).toEqual([
      expect.stringMatching(/^span\.html: too large: a table grid/),
      'missing.html: no such file',
      'empty.txt: empty file',
    ]);
    expect(one.reports.length).toBeGreaterThanOrEqual(7);
    expect(three).toEqual(one);
  }, 240_000);
});
