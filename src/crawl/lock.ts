// An advisory lock on the store, so two crawls (or a crawl and a schedule tick, or a reprocess) never
// work on one frontier at once. A row per lock with owner and heartbeat: a lock whose holder died
// (kill -9) is taken over at once on the same machine (its pid is gone) and after LIMITS.crawl
// .lockStaleMs elsewhere. Plain rows, so it works the same on SQLite and Postgres.
import { hostname } from 'node:os';
import { LIMITS } from '../settings.ts';
import type { Store } from '../store/store.ts';

export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export interface StoreLock {
  release(): Promise<void>;
}

/** Take the named lock or throw StoreLockedError naming the holder. */
export async function lockStore(
  store: Store,
  name: string,
  opts: { staleMs?: number; heartbeatMs?: number } = {},
): Promise<StoreLock> {
  const staleMs = opts.staleMs ?? LIMITS.crawl.lockStaleMs;
  const me = { owner: `${process.pid}@${hostname()}:${Date.now()}`, pid: process.pid, hostname: hostname() };
  const now = Date.now();
  const got = await store.acquireLock(
    name,
    me,
    new Date(now).toISOString(),
    new Date(now - staleMs).toISOString(),
    alive,
  );
  if (!got.ok)
    throw new StoreLockedError(
      `the store is locked: a ${name} is running (pid ${got.holder.pid} on ${got.holder.hostname}, since ${got.holder.acquired_at}); ` +
        `wait for it to finish (a lock whose holder died is released after ${Math.round(staleMs / 1000)} s)`,
    );
  const beat = setInterval(
    () => void store.heartbeatLock(name, me.owner, new Date().toISOString()).catch(() => {}),
    opts.heartbeatMs ?? LIMITS.crawl.lockHeartbeatMs,
  );
  beat.unref();
  return {
    async release() {
      clearInterval(beat);
      await store.releaseLock(name, me.owner);
    },
  };
}
