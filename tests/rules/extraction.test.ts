// The extractor's own not-assessable findings (E-TABLE, E-SCAN, E-ROW, …) have one constructor: a
// record built with it is a valid Finding, and no source builds that shape by hand any more.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Finding } from '../../src/record.ts';
import { extractionFinding } from '../../src/rules/extraction.ts';

describe('extractionFinding', () => {
  it('fills the fixed part of the shape and keeps cells, blame, message and detail', () => {
    const f = extractionFinding({
      rule: 'E-TABLE',
      blame: 'publisher',
      message: '表三在此副本中未刊印',
      detail: { table: 'table3', reason: 'not_printed', failed_rows: [], format_version: null },
    });
    expect(Finding.parse(f)).toEqual(f);
    expect(f).toEqual({
      rule: 'E-TABLE',
      level: 'hard',
      status: 'not_assessable',
      cells: [],
      left: null,
      right: null,
      delta: null,
      blame: 'publisher',
      message: '表三在此副本中未刊印',
      detail: { table: 'table3', reason: 'not_printed', failed_rows: [], format_version: null },
    });
    const g = extractionFinding({
      rule: 'E-OCR',
      cells: [['table4', 'review', 'total']],
      blame: 'extraction',
      message: 'x',
    });
    expect(g.cells).toEqual([['table4', 'review', 'total']]);
    expect('detail' in g).toBe(false);
  });

  it('no source file spells out an E-* finding with null operands by hand', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts'))
          for (const m of readFileSync(p, 'utf8').matchAll(
            /rule: '(E-[A-Z]+)',\s*level:[^}]*?left: null,\s*right: null,\s*delta: null/g,
          ))
            offenders.push(`${p}: ${m[1]}`);
      }
    };
    walk('src');
    expect(offenders).toEqual([]);
  });
});
