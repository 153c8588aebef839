// The store factory on both dialects: routing by target, refusing a store that does not exist,
// numbers that come back as numbers (pg returns int8/numeric as text), exact doubles and bytes,
// and migrations serialised across processes that open one new store at once.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NoSuchStoreError, openStore, storeLabel } from '../../src/store/open.ts';
import { queueFileFor } from '../../src/store/paths.ts';
import { describeStores } from '../helpers/stores.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const CHILD = path.resolve('tests/helpers/open-store-child.ts');
const AT = '2026-01-01T00:00:00.000Z';

const nianbao = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
};

describeStores('store factory', (stores) => {
  const missing = async () =>
    stores.kind === 'sqlite'
      ? path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-missing-')), 'typo.db')
      : (await stores.fresh()).replace(/\/[^/]*$/, '/nianbao_no_such_database');

  it('mustExist refuses a store that does not exist and creates nothing', async () => {
    const target = await missing();
    const err = await openStore(target, { mustExist: true }).catch((e) => e);
    expect(err).toBeInstanceOf(NoSuchStoreError);
    expect(err.message).toBe(`${storeLabel(target)}: no such store (run ingest or crawl first)`);
    if (stores.kind === 'sqlite') expect(existsSync(target)).toBe(false);
  });

  it('mustExist refuses an existing database without the store tables, and accepts it once created', async () => {
    const target = await stores.fresh(); // SQLite: a path; Postgres: an empty database
    if (stores.kind === 'sqlite') writeFileSync(target, '');
    await expect(openStore(target, { mustExist: true })).rejects.toThrow(/no such store/);
    (await openStore(target)).close();
    const store = await openStore(target, { mustExist: true });
    expect(store.dialect).toBe(stores.kind);
    await store.close();
  });

  it('counts, sums and ids are numbers; doubles and bytes round-trip exactly', async () => {
    const store = await stores.open();
    try {
      const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 256);
      await store.transaction((trx) =>
        store.putDocument(trx, { sha256: 'a'.repeat(64), media: 'html', bytes, location: 'x.html', at: AT }),
      );
      expect(Buffer.from((await store.documentBytes('a'.repeat(64)))!)).toEqual(Buffer.from(bytes));
      const values = [1234567.89, 0.1, 9007199254740991, -3.5];
      const id = await store.addCorrection({
        report_id: await reportId(store),
        tbl: 'table3',
        row_key: 'new_received',
        col_key: 'total',
        old_value: values[0]!,
        old_raw: null,
        new_value: values[1]!,
        note: 'n',
        who: 'w',
        at: AT,
      });
      expect(typeof id).toBe('number');
      const [c] = await store.correctionHistory(await reportId(store));
      expect([c!.old_value, c!.new_value]).toEqual([values[0], values[1]]);
      const agg = await store.db
        .selectFrom('corrections')
        .select((e) => [e.fn.countAll<number>().as('n'), e.fn.sum<number>('new_value').as('s'), e.fn.max('id').as('m')])
        .executeTakeFirstOrThrow();
      expect(agg).toEqual({ n: 1, s: 0.1, m: id });
      const big = await store.db
        .selectFrom('documents')
        .select((e) => e.fn.sum<number>('size').as('s'))
        .executeTakeFirstOrThrow();
      expect(big.s).toBe(300);
    } finally {
      await store.close();
    }
  });

  it('several processes opening one new store at once all succeed; each migration runs once', async () => {
    const target = await stores.fresh();
    const outs = await Promise.all(
      Array.from({ length: 4 }, () => exec(process.execPath, ['--import', 'tsx', CHILD, target])),
    );
    expect(outs.map((o) => o.stdout.trim())).toEqual(['number:0', 'number:0', 'number:0', 'number:0']);
    const store = await openStore(target, { mustExist: true });
    const names = (
      await store.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute()
    ).map((r) => (r as { name: string }).name);
    await store.close();
    expect(names.length).toBeGreaterThan(1);
    expect(new Set(names).size).toBe(names.length);
  }, 60_000);

  it('read-only commands refuse a missing store with one line and a non-zero exit; NIANBAO_DB is the default', async () => {
    const target = await missing();
    for (const args of [
      ['review', 'list', '--db', target],
      ['review', 'show', '1', '--db', target],
      ['export', '--db', target],
      ['review', 'decide', '1', '--as', 'false-alarm', '--db', target],
      ['review', 'list'], // from NIANBAO_DB
    ]) {
      const r = await nianbao(args, { NIANBAO_DB: target });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toBe(
        `nianbao: ${storeLabel(target)}: no such store (run ingest or crawl first)\n`,
      );
      expect(r.stdout).toBe('');
    }
    if (stores.kind === 'sqlite') expect(existsSync(target)).toBe(false);
  }, 60_000);
});

async function reportId(store: Awaited<ReturnType<typeof openStore>>): Promise<number> {
  const existing = await store.report('测试局|2024');
  if (existing) return existing.id;
  const r = await store.db
    .insertInto('reports')
    .values({
      report_key: '测试局|2024',
      agency: '测试局',
      report_year: 2024,
      kind: 'ogi_annual_report',
      title: null,
      scope: 'single',
      current_run_id: null,
      created_at: AT,
      updated_at: AT,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

describe('store targets', () => {
  it('a URL password is never printed', () => {
    expect(storeLabel('postgres://u:secret@127.0.0.1:5432/db')).toBe('postgres://u:***@127.0.0.1:5432/db');
    expect(storeLabel('output/n.db')).toBe('output/n.db');
  });

  it('a Postgres store writes its queue file under output/, named after its database', () => {
    expect(queueFileFor('postgres://u@127.0.0.1/fleet_a')).toBe(path.resolve('output/fleet_a.review-queue.jsonl'));
    expect(queueFileFor('postgresql://u@127.0.0.1/fleet_b')).not.toBe(queueFileFor('postgres://u@127.0.0.1/fleet_a'));
    expect(queueFileFor('/tmp/x/n.db')).toBe('/tmp/x/n.review-queue.jsonl');
  });
});
