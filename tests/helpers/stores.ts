// Store-level tests run on both dialects: SQLite (a fresh file) and PostgreSQL (a fresh database with
// a random name on $DATABASE_URL, dropped afterwards). Without DATABASE_URL the Postgres half is
// skipped with a notice; under CI=true it fails instead.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, it, type TestAPI } from 'vitest';
import { type OpenOptions, openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];
export const DATABASE_URL = process.env.DATABASE_URL;

export interface Stores {
  kind: StoreKind;
  /** A new, empty store target (a file path, or the URL of a new database). */
  fresh(): Promise<string>;
  /** Open a store (a new one unless a target is given). */
  open(target?: string, opts?: OpenOptions): Promise<Store>;
}

/** Run `fn` with a client connected to DATABASE_URL (creating and dropping test databases). */
export const withAdmin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};

/** A new database on DATABASE_URL; its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `nianbao_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const u = new URL(DATABASE_URL!);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^nianbao_test_\w+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
}

/** Fresh stores of one kind; every Postgres database made is dropped by `cleanup`. */
export function storesOf(kind: StoreKind): Stores & { cleanup(): Promise<void> } {
  const made: string[] = [];
  const fresh = async () => {
    if (kind === 'sqlite') return path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-store-')), 'n.db');
    const url = await createTestDatabase();
    made.push(url);
    return url;
  };
  return {
    kind,
    fresh,
    open: async (target, opts) => openStore(target ?? (await fresh()), opts),
    cleanup: async () => {
      for (const url of made.splice(0)) await dropTestDatabase(url);
    },
  };
}

let noticed = false;
/** Whether the Postgres half can run; prints the notice once, or fails under CI. */
export function postgresAvailable(): boolean {
  if (DATABASE_URL) return true;
  if (!noticed && process.env.CI !== 'true')
    console.log('notice: DATABASE_URL is not set; the PostgreSQL half of the store tests is skipped');
  noticed = true;
  return false;
}

/** `describe` the body once per dialect: `describeStores('review', (s) => { … s.open() … })`. */
export function describeStores(title: string, body: (s: Stores) => void): void {
  for (const kind of STORE_KINDS) {
    if (kind === 'postgres' && !postgresAvailable()) {
      if (process.env.CI === 'true')
        describe(`${title} [postgres]`, () =>
          it('needs PostgreSQL', () => {
            throw new Error('CI=true but DATABASE_URL is not set: the store tests must run on PostgreSQL too');
          }));
      continue;
    }
    describe(`${title} [${kind}]`, () => {
      const s = storesOf(kind);
      afterAll(() => s.cleanup());
      body(s);
    });
  }
}

/**
 * `it` in the SQLite half only, for a test of what the store takes no part in (fetching, a browser
 * drawing a stored document, options refused before a store is opened): the dialect cannot change
 * its outcome, so the Postgres half does not declare it at all (no skip is reported).
 */
export function itOnce(s: Stores): TestAPI {
  return s.kind === 'sqlite' ? it : ((() => {}) as unknown as TestAPI);
}
