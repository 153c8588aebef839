// The one store factory: a file path → SQLite, a postgres:// or postgresql:// URL → PostgreSQL.
// Commands pass `--db` (or $NIANBAO_DB); read-only ones pass mustExist so that a mistyped path is
// refused instead of silently answered from a new, empty store.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely } from 'kysely';
import { openSqliteDatabase, PostgresDdlPlugin, postgresDialect, StoreSqliteDialect } from './dialects.ts';
import { PostgresLocks, ProcessLocks } from './named-locks.ts';
import type { Database } from './schema.ts';
import { Store } from './store.ts';

export interface OpenOptions {
  /** Refuse a store that does not exist yet (no file, no database, or no nianbao tables in it). */
  mustExist?: boolean;
}

export const isPostgresUrl = (target: string): boolean => /^postgres(?:ql)?:\/\//i.test(target);

/** The target as it may be printed: a URL's password is masked. */
export function storeLabel(target: string): string {
  if (!isPostgresUrl(target)) return target;
  try {
    const u = new URL(target);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export class NoSuchStoreError extends Error {
  constructor(target: string) {
    super(`${storeLabel(target)}: no such store (run ingest or crawl first)`);
  }
}

/** Postgres: "database does not exist". */
const PG_NO_DATABASE = '3D000';

async function hasStoreTables(db: Kysely<Database>): Promise<boolean> {
  // `reports` is in the first migration: a store that has it is one of ours.
  return (await db.introspection.getTables()).some((t) => t.name === 'reports');
}

export async function openStore(target: string, opts: OpenOptions = {}): Promise<Store> {
  return isPostgresUrl(target) ? openPostgres(target, opts) : openSqlite(target, opts);
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Store> {
  const db = new Kysely<Database>({ dialect: postgresDialect(url), plugins: [new PostgresDdlPlugin()] });
  try {
    if (opts.mustExist && !(await hasStoreTables(db))) throw new NoSuchStoreError(url);
    return await Store.open(db, 'postgres', new PostgresLocks(url));
  } catch (e) {
    await db.destroy().catch(() => {});
    if (e instanceof NoSuchStoreError) throw e;
    const err = e as Error & { code?: string };
    if (err.code === PG_NO_DATABASE) {
      if (opts.mustExist) throw new NoSuchStoreError(url);
      throw new Error(`${storeLabel(url)}: no such database (create it first: createdb, or CREATE DATABASE)`);
    }
    throw new Error(`${storeLabel(url)}: ${err.message || err.code || String(e)}`);
  }
}

async function openSqlite(file: string, opts: OpenOptions): Promise<Store> {
  const memory = file === ':memory:';
  if (opts.mustExist && !memory && !existsSync(file)) throw new NoSuchStoreError(file);
  if (!memory) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Kysely<Database>;
  try {
    db = new Kysely<Database>({ dialect: new StoreSqliteDialect(openSqliteDatabase(file, !!opts.mustExist)) });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'SQLITE_CANTOPEN' && opts.mustExist) throw new NoSuchStoreError(file);
    throw new Error(`${file}: not an SQLite store (${err.message})`);
  }
  if (opts.mustExist && !(await hasStoreTables(db))) {
    await db.destroy();
    throw new NoSuchStoreError(file);
  }
  return Store.open(db, 'sqlite', ProcessLocks.forFile(file));
}
