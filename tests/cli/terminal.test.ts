// Control characters never reach a terminal: stripped from metadata on the way in (sanitizeText at
// the end of metadata extraction), escaped on the way out (review list / show, error lines).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { extractBytes } from '../../src/pipeline.ts';
import { escapeControls, safeJson, sanitizeText } from '../../src/safe-text.ts';
import { describeStores, itOnce } from '../helpers/stores.ts';
import { runCli } from './run-cli.ts';

const HOSTILE = '\x1b[2J\x1b]0;pwned\x07'; // clear the screen, retitle the terminal
const TERMINAL_BYTES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/; // all controls but \t \n
const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-terminal-'));

const report = (agency: string) => {
  const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
  cells.set('table4|review|upheld', '10'); // T4-1 fails: one review item
  return renderHtml({ version: 'v2021', agency, year: 2024, cells }, PLAIN);
};

describe('sanitizeText', () => {
  it('removes escape sequences whole, and every control character', () => {
    expect(sanitizeText(`${HOSTILE}测试市林业局`)).toBe('测试市林业局');
    expect(sanitizeText('测试\x9b31m市\u202e局\x00')).toBe('测试市局');
    expect(sanitizeText('a\tb\r\nc')).toBe('a b c');
  });

  it('never leaves a control character, and leaves clean text exactly as it was', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(sanitizeText(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        if (!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s)) expect(sanitizeText(s)).toBe(s);
      }),
    );
  });

  it('escapeControls shows every control visibly; safeJson stays the same JSON value', () => {
    expect(escapeControls(`${HOSTILE}局`)).toBe('\\x1b[2J\\x1b]0;pwned\\x07局');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(escapeControls(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(safeJson({ s })).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(JSON.parse(safeJson({ s }))).toEqual({ s });
      }),
    );
  });
});

describe('metadata is cleaned on the way in', () => {
  it('a title holding escape sequences gives a clean title and agency', async () => {
    const r = await extractBytes(report(`${HOSTILE}测试市林业局`), { path: 'x.html' });
    expect(r.report.agency).toBe('测试市林业局');
    expect(r.report.title).not.toMatch(TERMINAL_BYTES);
    expect(r.report.title).toContain('测试市林业局');
  });
});

describe('record text is escaped on the way out', () => {
  it('a file name holding escapes is escaped in the error line', async () => {
    const name = path.join(dir, `\x1b]0;x\x07.html`);
    const r = await runCli(['extract', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`nianbao: ${dir}/\\x1b]0;x\\x07.html: no such file\n`);
  });
});

describeStores('the review commands on a terminal', (stores) => {
  it('ingest, then review list / show: no ESC or BEL byte reaches the terminal', async () => {
    const file = path.join(dir, 'hostile.html');
    writeFileSync(file, report(`${HOSTILE}测试市林业局`));
    const db = await stores.fresh();
    const ingest = await runCli(['ingest', file, '--db', db], { cwd: dir });
    expect(ingest.code).toBe(0);
    const list = await runCli(['review', 'list', '--db', db]);
    expect(list.stdout).toMatch(/\tT4-1\thard\t测试市林业局\t2024\t/);
    expect(list.stdout + list.stderr).not.toMatch(/[\x1b\x07]/);
    const id = /^#(\d+)/.exec(list.stdout)![1]!;
    const show = await runCli(['review', 'show', id, '--db', db]);
    expect(show.stdout).toContain('测试市林业局 2024');
    expect(show.stdout).not.toMatch(/[\x1b\x07]/);
  });

  itOnce(stores)(
    'review list and show escape controls already in a store (written before this fix, or by another tool)',
    async () => {
      const db = await stores.fresh();
      const store = await stores.open(db);
      const agency = `${HOSTILE}旧局`;
      const at = '2026-01-01T00:00:00.000Z';
      const r = await store.db
        .insertInto('reports')
        .values({
          report_key: `${agency}|2023`,
          agency,
          report_year: 2023,
          kind: 'ogi_annual_report',
          title: null,
          scope: 'single',
          current_run_id: null,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const finding = { rule: 'T4-1', level: 'hard', status: 'fail', cells: [], left: 1, right: 2, delta: -1 };
      await store.db
        .insertInto('review_items')
        .values({
          fingerprint: 'f',
          report_id: r.id,
          rule: 'T4-1',
          level: 'hard',
          status: 'open',
          decision: null,
          evidence_hash: 'x',
          finding_json: JSON.stringify({
            finding: { ...finding, blame: 'publisher', message: `总计\t不符\n${HOSTILE}` },
          }),
          agency,
          report_year: 2023,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await store.close();
      const list = await runCli(['review', 'list', '--db', db]);
      expect(list.stdout).not.toMatch(/[\x1b\x07]/);
      // one line, seven tab-separated fields: a tab or newline in the text cannot add a column or a line
      expect(list.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(list.stdout.trimEnd().split('\t')).toEqual([
        expect.stringMatching(/^#\d+$/),
        'open',
        'T4-1',
        'hard',
        '\\x1b[2J\\x1b]0;pwned\\x07旧局',
        '2023',
        '总计\\x09不符\\x0a\\x1b[2J\\x1b]0;pwned\\x07',
      ]);
      const id = /^#(\d+)/.exec(list.stdout)![1]!;
      const show = await runCli(['review', 'show', id, '--db', db]);
      expect(show.stdout).not.toMatch(/[\x1b\x07]/);
      const json = await runCli(['review', 'list', '--json', '--db', db]);
      expect(json.stdout).not.toMatch(/[\x1b\x07]/);
      expect(JSON.parse(json.stdout)[0].agency).toBe(agency);
    },
  );
});
