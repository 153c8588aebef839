// The store and review queue over the real corpus, through the CLI as the README documents it. The
// corpus is ingested once per run and dialect (tests/helpers/corpus-store.ts); each dialect here works
// on its own copy. Skips with a notice when ../shared/corpus is absent (fails under CI=true).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { CORPUS, corpusStoreCopy } from '../helpers/corpus-store.ts';
import { needs } from '../helpers/needs.ts';
import { describeStores } from '../helpers/stores.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const present = needs(existsSync(CORPUS), `the corpus at ${CORPUS} (for the store end-to-end test)`);

// A Postgres store's queue file goes to ./output: run the commands in a scratch folder.
const CWD = mkdtempSync(path.join(tmpdir(), 'nianbao-e2e-'));
const nianbao = async (...args: string[]) => {
  try {
    return { code: 0, ...(await exec(process.execPath, [BIN, ...args], { maxBuffer: 256 << 20, cwd: CWD })) };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
};

interface Item {
  id: number;
  status: string;
  rule: string;
  report_id: number;
  agency: string;
  report_year: number;
  finding: { cells: string[][]; blame: string };
}

describeStores('ingest → review → correct → export over the corpus', (stores) => {
  let db = '';
  beforeAll(async () => {
    // `nianbao ingest CORPUS --db …`, done once for the run; this file's own copy of the result.
    if (present) db = await corpusStoreCopy(stores.kind);
  }, 900_000);

  it.skipIf(!present)(
    'queues every publisher inconsistency the gold files list, and nothing from a misread cell',
    async () => {
      const items = JSON.parse(
        (await nianbao('review', 'list', '--json', '--status', 'all', '--db', db)).stdout,
      ) as Item[];
      const records = (await nianbao('export', '--format', 'jsonl', '--db', db)).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const byLocation = new Map(records.map((r) => [r.source_location, r.report_id]));
      for (const id of readdirSync(CORPUS)) {
        const goldFile = path.join(CORPUS, id, 'gold.json');
        if (!existsSync(goldFile)) continue;
        const gold = JSON.parse(readFileSync(goldFile, 'utf8'));
        const reportId = byLocation.get(path.join(CORPUS, id, gold.file));
        if (reportId === undefined) continue; // a medium not read yet, or no cells
        for (const p of gold.publisher_inconsistent ?? []) {
          const [rule, where] = p.split(':');
          expect(
            items.some(
              (i) =>
                i.report_id === reportId &&
                i.rule === rule &&
                i.finding.cells.some((c) => c[1] === where || c[2] === where),
            ),
            `${id} ${p}`,
          ).toBe(true);
        }
        const goldValue = new Map<string, number | null>(
          gold.cells.map((c: [string, string, string, number | null]) => [`${c[0]}|${c[1]}|${c[2]}`, c[3]]),
        );
        for (const item of items.filter((i) => i.report_id === reportId)) {
          for (const c of item.finding.cells) {
            const cell = records.find(
              (r) => r.report_id === reportId && r.table === c[0] && r.row === c[1] && r.col === c[2],
            );
            const want = goldValue.get(c.join('|'));
            if (!cell || want === undefined || gold.mode === 'meta-only') continue;
            const right = want === null ? cell.value === null || cell.value === 0 : cell.value === want;
            if (!right)
              expect(item.finding.blame, `${id} item #${item.id} rests on misread ${c.join('/')}`).toBe('extraction');
          }
        }
      }
    },
    300_000,
  );

  it.skipIf(!present)(
    'a decision survives re-ingest; a correction changes the effective value and the export flags it',
    async () => {
      const open = JSON.parse((await nianbao('review', 'list', '--json', '--db', db)).stdout) as Item[];
      expect(open.length).toBeGreaterThan(0);
      const target = open[0]!;
      expect(
        (
          await nianbao(
            'review',
            'decide',
            String(target.id),
            '--as',
            'publisher-error',
            '--note',
            'checked',
            '--who',
            'ci',
            '--db',
            db,
          )
        ).code,
      ).toBe(0);
      await nianbao('ingest', CORPUS, '--db', db);
      const after = JSON.parse(
        (await nianbao('review', 'list', '--json', '--status', 'decided', '--db', db)).stdout,
      ) as Item[];
      expect(after.map((i) => i.id)).toContain(target.id);
      const show = await nianbao('review', 'show', String(target.id), '--db', db);
      expect(show.stdout).toContain('decided publisher-error by ci');

      const res = await nianbao(
        'review',
        'correct',
        String(target.report_id),
        'table3',
        'new_received',
        'total',
        '123456',
        '--note',
        'test correction',
        '--who',
        'ci',
        '--db',
        db,
      );
      expect(res.code).toBe(0);
      const csv = (await nianbao('export', '--format', 'csv', '--db', db)).stdout.split('\n');
      const header = csv[0]!.split(',');
      const row = csv
        .map((l) => l.split(','))
        .find(
          (f) =>
            f[header.indexOf('report_id')] === String(target.report_id) &&
            f[header.indexOf('row')] === 'new_received' &&
            f[header.indexOf('col')] === 'total',
        )!;
      expect(row[header.indexOf('value')]).toBe('123456');
      expect(row[header.indexOf('corrected')]).toBe('true');
      const x = JSON.parse((await nianbao('review', 'list', '--json', '--rule', 'T3-1', '--db', db)).stdout) as Item[];
      expect(x.some((i) => i.report_id === target.report_id)).toBe(true); // the rules re-ran on the corrected value
    },
    300_000,
  );
});
