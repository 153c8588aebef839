// Named locks across every process that shares a store, for find-or-create work that spans several
// statements (body identities, a report's review items, a reading's commit). Postgres: a session
// advisory lock, taken on a connection of its own pool, so a waiter never holds a connection its
// lock holder needs, and the server frees the lock when its process dies (kill -9 included).
// SQLite: one holder at a time among this process's handles on the file; an SQLite store has one
// writing process at a time (crawls and schedules hold the store lock).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { LIMITS } from '../settings.ts';

export interface NamedLocks {
  /** Run `fn` while holding the lock `name`. Not re-entrant: `fn` must not take the same lock. */
  run<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Each lock's last holder or waiter, by store file and name (shared by every handle on a file). */
const TAILS = new Map<string, Promise<unknown>>();

export class ProcessLocks implements NamedLocks {
  /** @param scope what the names belong to: the store file's absolute path. */
  private constructor(private readonly scope: string) {}

  /** The locks of an SQLite store file (each in-memory store is its own). */
  static forFile(file: string): ProcessLocks {
    return new ProcessLocks(file === ':memory:' ? `:memory:${randomUUID()}` : path.resolve(file));
  }

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const key = `${this.scope}\0${name}`;
    const before = TAILS.get(key) ?? Promise.resolve();
    const mine = before.then(fn, fn);
    const tail = mine.catch(() => {});
    TAILS.set(key, tail);
    try {
      return await mine;
    } finally {
      if (TAILS.get(key) === tail) TAILS.delete(key);
    }
  }

  async close(): Promise<void> {}
}

/** nianbao's key space among the database's advisory locks (the first of the two int4 keys). */
const NAMESPACE = 0x6e62;

export class PostgresLocks implements NamedLocks {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: LIMITS.fleet.lockConnections });
  }

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('select pg_advisory_lock($1, hashtext($2))', [NAMESPACE, name]);
      try {
        return await fn();
      } finally {
        await c.query('select pg_advisory_unlock($1, hashtext($2))', [NAMESPACE, name]).catch((e: Error) => {
          broken = e; // a connection that may still hold the lock is closed, which frees it
        });
      }
    } finally {
      c.release(broken ?? false);
    }
  }

  private closed = false;

  /** Idempotent, as closing a store is. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
