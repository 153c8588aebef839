// The crawl scheduler: one continuous frontier with a slot per host. A host's next URL starts as soon
// as that host's own politeness delay has passed and a connection is free, never behind another
// host's work, and there is no batch barrier. The store's frontier stays the single truth (a URL is
// due until its row carries this run); the scheduler only keeps a short in-memory queue per host.
import { log } from '../log.ts';
import type { FrontierRow, Store } from '../store/store.ts';
import type { HostPoliteness } from './politeness.ts';

/** One URL's work. `release` frees the host's slot once the network part is over (call it once). */
export type Step = (row: FrontierRow, release: () => void) => Promise<{ added: number }>;

export interface SchedulerOptions {
  store: Store;
  runId: number;
  politeness: HostPoliteness;
  step: Step;
  /** Fetches in flight at once across all hosts. */
  maxConnections: number;
  /** False when no new URL may start (the request limit is reached). */
  mayStart?: () => boolean;
  /** URLs loaded per host at a time. */
  batch?: number;
  onSettled?: (row: FrontierRow) => void;
}

/** Run until no URL is due in this run (returns stopped=false) or `mayStart` says stop. */
export async function runScheduler(o: SchedulerOptions): Promise<{ stopped: boolean }> {
  const batch = o.batch ?? 100;
  const queues = new Map<string, FrontierRow[]>();
  const fetching = new Set<string>(); // hosts whose slot is taken
  const running = new Set<Promise<void>>();
  const reload = new Set<string>(); // hosts whose queue should be refilled from the store
  let rescan = true; // look for hosts with due URLs (new links may name new hosts)
  let wake: () => void = () => {};
  let stopped = false;
  let settled = false;
  const started = new Set<string>(); // a URL is tried at most once per process run

  const refill = async (host: string) => {
    const rows = (await o.store.dueUrls(o.runId, host, batch + running.size)).filter((r) => !started.has(r.url));
    queues.set(host, rows.slice(0, batch));
  };

  for (;;) {
    if (rescan) {
      rescan = false;
      for (const host of await o.store.dueHosts(o.runId)) if (!queues.get(host)?.length) reload.add(host);
    }
    for (const host of [...reload]) {
      reload.delete(host);
      if (!queues.get(host)?.length) await refill(host);
    }
    const now = Date.now();
    let nextAt = Number.POSITIVE_INFINITY;
    const ready: Array<{ host: string; at: number }> = [];
    for (const [host, queue] of queues) {
      if (!queue.length || fetching.has(host)) continue;
      const at = o.politeness.readyAt(host);
      if (at > now) nextAt = Math.min(nextAt, at);
      else ready.push({ host, at });
    }
    // When connections are short, the host that has been ready longest goes first.
    ready.sort((a, b) => a.at - b.at);
    for (const { host } of ready) {
      if (fetching.size >= o.maxConnections || running.size >= o.maxConnections * 4) break;
      if (o.mayStart && !o.mayStart()) {
        stopped = true;
        break;
      }
      const row = queues.get(host)!.shift()!;
      fetching.add(host);
      started.add(row.url);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        fetching.delete(host);
        wake();
      };
      const task: Promise<void> = o
        .step(row, release)
        .then(
          (r) => {
            if (r.added > 0) rescan = true;
          },
          (e: Error) => log.error({ url: row.url, err: e.message }, 'crawl step failed'),
        )
        .finally(() => {
          release();
          running.delete(task);
          if (!queues.get(host)?.length) reload.add(host);
          o.onSettled?.(row);
          wake();
        });
      running.add(task);
    }
    if (stopped) break;
    const queued = [...queues.values()].some((q) => q.length > 0);
    if (!running.size && !queued && !reload.size) {
      // Nothing running or queued: when a fresh look at the store finds nothing either, the run is over.
      if (settled) break;
      settled = true;
      rescan = true;
      continue;
    }
    settled = false;
    if (reload.size || rescan) continue;
    await new Promise<void>((resolve) => {
      const timer = Number.isFinite(nextAt) ? setTimeout(resolve, Math.max(0, nextAt - Date.now())) : null;
      wake = () => {
        if (timer) clearTimeout(timer);
        wake = () => {};
        resolve();
      };
    });
  }
  await Promise.all(running);
  return { stopped };
}
