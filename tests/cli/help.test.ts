// `--help` describes every command, and `nianbao rules` lists every finding that can reach the queue.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/rules/kinds.ts';
import { RULES } from '../../src/rules/index.ts';
import { runCli } from './run-cli.ts';

interface Node {
  name: string;
  description: string;
  commands: Node[];
}

describe('every command and subcommand has a one-line description', () => {
  it('walks the command tree', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tests/cli/command-tree.ts']);
    const root = JSON.parse(stdout) as Node;
    const all: Array<[string, string]> = [];
    const walk = (n: Node, prefix: string) => {
      for (const c of n.commands) {
        all.push([`${prefix}${c.name}`, c.description]);
        walk(c, `${prefix}${c.name} `);
      }
    };
    walk(root, '');
    expect(all.map(([name]) => name)).toEqual(
      expect.arrayContaining(['extract', 'review list', 'sources check', 'rules']),
    );
    const missing = all.filter(([, d]) => !d.trim()).map(([name]) => name);
    expect(missing).toEqual([]);
    const multiline = all.filter(([, d]) => d.includes('\n')).map(([name]) => name);
    expect(multiline).toEqual([]);
  });

  it('`review --help` shows each subcommand with its description', async () => {
    const r = await runCli(['review', '--help']);
    for (const sub of ['list', 'show', 'decide', 'correct'])
      expect(r.stdout).toMatch(new RegExp(`^  ${sub}\\b.*\\S\\s{2,}\\S`, 'm'));
  });
});

/** Every literal `rule: 'ID'` in the sources: the findings the code can produce. */
function emittedRuleIds(): string[] {
  const ids = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts'))
        for (const m of readFileSync(p, 'utf8').matchAll(/\brule: '([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)'/g)) ids.add(m[1]!);
    }
  };
  walk('src');
  walk('parsers');
  return [...ids].sort();
}

describe('nianbao rules', () => {
  const listed = (id: string) => FINDING_KINDS.some((k) => k.id === id || k.id === id.split('-')[0]); // N covers N-1…N-8

  it('the table of finding kinds covers every rule id the sources can emit, E-* included', () => {
    const ids = emittedRuleIds();
    expect(ids).toEqual(expect.arrayContaining(['E-ROW', 'E-DUP', 'E-JOIN', 'E-GLUE', 'E-OCR', 'E-SCAN', 'T4-1']));
    expect(ids.filter((id) => !listed(id))).toEqual([]);
    for (const id of ['E-TABLE', 'X-COPY']) expect(listed(id)).toBe(true);
    expect(new Set(FINDING_KINDS.map((k) => k.id)).size).toBe(FINDING_KINDS.length);
    for (const k of FINDING_KINDS) expect(k.title.trim()).not.toBe('');
  });

  it('prints every finding kind with its id, level and description, one per line', async () => {
    const r = await runCli(['rules']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.map((x) => x[0])).toEqual(FINDING_KINDS.map((k) => k.id));
    expect(rows.map((x) => x[0])).toEqual(expect.arrayContaining([...RULES.map((x) => x.id), 'E-ROW', 'E-SCAN']));
    for (const row of rows) {
      expect(row).toHaveLength(3);
      expect(['hard', 'expected', 'plausibility']).toContain(row[1]);
    }
  });
});
