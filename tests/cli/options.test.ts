// Numeric options and arguments are checked where they are parsed: one clear line, non-zero exit.
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIntOption } from '../../src/cli/options.ts';
import { runCli } from './run-cli.ts';

describe('parseIntOption', () => {
  const year = parseIntOption('--year', { min: 1990, max: 2100 });

  it('takes whole numbers in range, exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2100 }), (n) => {
        expect(year(String(n))).toBe(n);
      }),
    );
    expect(year(' 2024 ')).toBe(2024);
  });

  it('refuses anything else, naming the option and the range', () => {
    for (const bad of ['abc', '', '2024.5', '1e3', '0x7e8', '1989', '2101', '20 24', 'NaN', '-2024'])
      expect(() => year(bad)).toThrow(InvalidArgumentError);
    expect(() => year('abc')).toThrow('--year must be a whole number from 1990 to 2100 (got "abc")');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const ok = /^\s*[+-]?\d+\s*$/.test(s) && Number(s) >= 1990 && Number(s) <= 2100;
        if (ok) expect(year(s)).toBe(Number(s));
        else expect(() => year(s)).toThrow(InvalidArgumentError);
      }),
    );
    expect(() => parseIntOption('n', { min: 1 })('99999999999999999999')).toThrow('n must be a whole number ≥ 1');
  });
});

describe('the commands refuse bad numbers with one line', () => {
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-opts-')), 'n.db');
  const cases: Array<[string[], RegExp]> = [
    [['review', 'list', '--year', 'abc', '--db', db], /--year must be a whole number from 1990 to 2100/],
    [['review', 'show', 'abc', '--db', db], /the item id must be a whole number ≥ 1/],
    [['review', 'decide', '1.5', '--as', 'false-alarm', '--db', db], /the item id must be a whole number ≥ 1/],
    [['crawl', '--sources', 'x.json', '--max-requests', '-1', '--db', db], /--max-requests must be a whole number ≥ 1/],
    [['crawl', '--sources', 'x.json', '--delay', 'x', '--db', db], /--delay must be a whole number from 0 to 60000/],
    [['run', '--sources', 'x.json', '--max-requests', '0', '--db', db], /--max-requests must be a whole number ≥ 1/],
  ];
  for (const [args, message] of cases)
    it(args.slice(0, -2).join(' '), async () => {
      const r = await runCli(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^nianbao: [^\n]*\n$/); // exactly one line
      expect(r.stdout).toBe('');
    });
});
