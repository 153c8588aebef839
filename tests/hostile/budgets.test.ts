// The causes, fixed where they are: each hostile input costs little and ends in one line (or, for the
// repeated row, one collapsed finding), in process, without the pool's limits to fall back on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { collapseFindings } from '../../src/extract/index.ts';
import { readInputFile } from '../../src/ingest/files.ts';
import { extractTextBytes } from '../../src/pipeline.ts';
import { type Finding, ReportRecord } from '../../src/record.ts';
import { BudgetError } from '../../src/read/budget.ts';
import { readDocument, readTextDocument } from '../../src/read/index.ts';
import { inflateBounded } from '../../src/read/zip-guard.ts';
import { LIMITS } from '../../src/settings.ts';
import { giantImagePdf, hugeSpanHtml, lyingDocx, repeatedRowHtml } from './files.ts';

const timed = async <T>(fn: () => Promise<T> | T): Promise<{ ms: number; result?: T; error?: Error }> => {
  const t = performance.now();
  try {
    const result = await fn();
    return { ms: performance.now() - t, result };
  } catch (e) {
    return { ms: performance.now() - t, error: e as Error };
  }
};

describe('HTML table grids have a total cell budget', () => {
  it('3000 rows of colspan=64 rowspan=400 are refused at once, in one line', async () => {
    const heap0 = process.memoryUsage().heapUsed;
    const r = await timed(() => readTextDocument(Buffer.from(hugeSpanHtml()), { nameHint: 'x.html' }));
    expect(r.error).toBeInstanceOf(BudgetError);
    expect(r.error!.message).toMatch(/^too large: a table grid expands to more than \d+ cells/);
    expect(r.ms).toBeLessThan(3000);
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(300 * 1048576);
  });

  it('many tables, each under the table cap, are refused by the document cap', () => {
    // Tables of 20 000 cells: each fits the table cap, together they pass the document cap.
    const table = `<table>${'<tr><td colspan="50" rowspan="400">1</td></tr>'.repeat(1)}</table>`;
    const html = `<html><body>${table.repeat(Math.ceil(LIMITS.doc.maxGridCells / 20_000) + 1)}</body></html>`;
    expect(() => readTextDocument(Buffer.from(html), { nameHint: 'x.html' })).toThrow(/in all/);
  });

  it('property: random merges either expand within the caps, one grid row per <tr>, or are refused', () => {
    const cell = fc.record({ rs: fc.integer({ min: 1, max: 2000 }), cs: fc.integer({ min: 1, max: 200 }) });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 400 }),
        (rows) => {
          const html = `<table>${rows.map((r) => `<tr>${r.map((c) => `<td rowspan="${c.rs}" colspan="${c.cs}">x</td>`).join('')}</tr>`).join('')}</table>`;
          const t = performance.now();
          try {
            const doc = readTextDocument(Buffer.from(html), { nameHint: 'x.html' });
            const grid = doc.blocks.find((b) => b.type === 'table');
            expect(grid?.type === 'table' && grid.rows.length).toBe(rows.length);
            const cells = grid?.type === 'table' ? grid.rows.reduce((n, r) => n + r.length, 0) : 0;
            expect(cells).toBeLessThanOrEqual(LIMITS.doc.maxTableCells);
          } catch (e) {
            expect(e).toBeInstanceOf(BudgetError);
          }
          expect(performance.now() - t).toBeLessThan(2000);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('PDF images', () => {
  it('an image-only PDF drawing a 30000×30000 image is refused before any pixel is decoded', async () => {
    const pdf = giantImagePdf();
    expect(pdf.length).toBeLessThan(64 * 1024);
    const rss0 = process.memoryUsage().rss;
    const r = await timed(() => readDocument(pdf, { nameHint: 'x.pdf' }));
    expect(r.error?.message).toMatch(/^too large: a page image of 30000×30000 pixels exceeds/);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(800 * 1048576);
  });
});

describe('ZIP entries are inflated against a byte budget, whatever their headers say', () => {
  it('a DOCX whose headers claim 1000 bytes stops right after 1000 bytes', async () => {
    const docx = lyingDocx(64 << 20);
    const r = await timed(() => readDocument(docx, { nameHint: 'x.docx' }));
    expect(r.error?.message).toBe(
      'too large: ZIP entry word/document.xml inflates beyond the 1000 bytes its header declares (ZIP bomb?)',
    );
    expect(r.ms).toBeLessThan(3000);
  });

  it('honest headers over the budget are caught by counting, not by trusting them', () => {
    // Declared sizes are right here; the container is simply larger than the budget.
    const zip = zipSync({ 'a.xml': new Uint8Array(3 << 20).fill(65), 'b.xml': new Uint8Array(3 << 20).fill(66) });
    expect(() => inflateBounded(zip, false, 4 << 20)).toThrow(/^too large: ZIP container inflates to more than 4 MB/);
  });

  it('property: within the budget, the inflated entries are exactly what was zipped', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8})?\.xml$/),
          fc.oneof(
            fc.uint8Array({ maxLength: 5000 }),
            fc.string({ maxLength: 3000 }).map((s) => strToU8(s)),
          ),
          { minKeys: 1, maxKeys: 6 },
        ),
        fc.boolean(),
        (files, stored) => {
          const zip = zipSync(files, { level: stored ? 0 : 6 });
          const { files: out, corrupt } = inflateBounded(zip, true);
          expect(corrupt).toEqual([]);
          expect(Object.keys(out).sort()).toEqual(Object.keys(unzipSync(zip)).sort());
          for (const [k, v] of Object.entries(files)) expect(Buffer.from(out[k]!).equals(Buffer.from(v))).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('findings are collapsed per rule and table', () => {
  it('a page repeating one table-3 row gives one E-DUP per table with the count, and keeps the first values', () => {
    const clean = extractTextBytes(Buffer.from(repeatedRowHtml(0)), { path: 'x.html' });
    const t = performance.now();
    const noisy = extractTextBytes(Buffer.from(repeatedRowHtml(10_000)), { path: 'x.html' });
    expect(performance.now() - t).toBeLessThan(20_000);
    const dups = noisy.findings.filter((f) => f.rule === 'E-DUP');
    expect(dups).toHaveLength(1);
    // Copy i prints i+c+1 in column c: a conflict wherever that differs from the first printing.
    const first = clean.cells.filter((c) => c.table === 'table3' && c.row === dups[0]!.cells[0]![1]);
    expect(first).toHaveLength(7);
    let conflicts = 0;
    for (let i = 0; i < 10_000; i++) first.forEach((c, j) => (conflicts += c.value === i + j + 1 ? 0 : 1));
    expect(dups[0]!.message).toContain(`同类问题共${conflicts}处，已合并为一条`);
    // Seven columns of one row are involved, each named once.
    expect(dups[0]!.cells).toHaveLength(7);
    expect(new Set(dups[0]!.cells.map((c) => c[0]))).toEqual(new Set(['table3']));
    // The same values (positions after the inserted rows move down).
    const values = (r: ReportRecord) => r.cells.map((c) => [c.table, c.row, c.col, c.raw, c.value]);
    expect(values(noisy)).toEqual(values(clean));
    expect(JSON.stringify(noisy).length).toBeLessThan(3 * JSON.stringify(clean).length);
    ReportRecord.parse(noisy);
  });

  it('property: at or under the cap nothing changes; over it, one finding naming every cell once', () => {
    const finding = (i: number): Finding => ({
      rule: 'E-DUP',
      level: 'hard',
      status: 'fail',
      cells: [['table3', `r${i % 13}`, 'total']],
      left: i,
      right: i + 1,
      delta: -1,
      blame: 'unknown',
      message: `m${i}`,
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 100 }), (n, max) => {
        const fs = Array.from({ length: n }, (_, i) => finding(i));
        const out = collapseFindings(fs, n, max);
        if (n <= max) expect(out).toBe(fs);
        else {
          expect(out).toHaveLength(1);
          expect(out[0]!.message).toContain(`共${n}处`);
          expect(out[0]!.cells).toHaveLength(Math.min(n, 13));
        }
      }),
    );
  });
});

describe('input files: regular files only, at most the size limit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-input-'));
  it('a FIFO is refused without opening it (no hang)', async () => {
    const fifo = path.join(dir, 'pipe.html');
    execFileSync('mkfifo', [fifo]);
    const r = await timed(() => readInputFile(fifo, 1024));
    expect(r.error?.message).toBe('not a regular file (a FIFO)');
    expect(r.ms).toBeLessThan(1000);
  });
  it('/dev/zero, directly or through a symlink, is refused', async () => {
    const link = path.join(dir, 'zero.pdf');
    symlinkSync('/dev/zero', link);
    for (const f of ['/dev/zero', link])
      expect((await timed(() => readInputFile(f, 1024))).error?.message).toBe('not a regular file (a device)');
  });
  it('a regular file is read whole up to the limit and refused beyond it', async () => {
    const f = path.join(dir, 'a.txt');
    writeFileSync(f, Buffer.alloc(5000, 0x41));
    expect((await readInputFile(f, 5000)).length).toBe(5000);
    expect((await timed(() => readInputFile(f, 4999))).error?.message).toMatch(/^too large: /);
    expect((await timed(() => readInputFile(path.join(dir, 'none'), 10))).error?.message).toBe('no such file');
  });
});
