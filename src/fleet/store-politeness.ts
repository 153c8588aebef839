// Politeness for a fleet: every request to a host is made under that host's lease in the store
// (`host_lease`), so at most one request per host is in flight across all workers on all machines;
// the lease's `next_allowed_at` carries the host's delay (AutoThrottle, never below robots.txt
// Crawl-delay, and at least the server's Retry-After) to whichever worker asks next. A worker killed
// mid-request frees its host when the lease lapses.
import { log } from '../log.ts';
import { autoThrottle, DEFAULT_THROTTLE, type HostPoliteness, type ThrottleOptions } from '../crawl/politeness.ts';
import { LIMITS } from '../settings.ts';
import type { Store } from '../store/store.ts';

export interface StorePolitenessOptions {
  /** A claim lapses after this long (longer than one request with its retries' waits). */
  leaseMs?: number;
  /** Longest wait between two claims of a busy host. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class StorePoliteness implements HostPoliteness {
  private readonly leaseMs: number;
  private readonly pollMs: number;
  /** What this process last knew of each host's next allowed time (a hint for readyAt only). */
  private readonly ready = new Map<string, number>();
  /** The stored delay read at claim time, per host held. */
  private readonly held = new Map<string, { delayMs: number; floorMs: number }>();
  private readonly crawlDelay = new Map<string, number>();
  /** When this process's last response from each host ended. */
  private readonly lastEnd = new Map<string, number>();
  /** Store writes started by the synchronous `after`/`setCrawlDelay`: awaited before the next claim. */
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    /** This worker's name in the lease table (unique per process). */
    private readonly holder: string,
    private readonly throttle: ThrottleOptions = DEFAULT_THROTTLE,
    o: StorePolitenessOptions = {},
  ) {
    this.leaseMs = o.leaseMs ?? LIMITS.fleet.hostLeaseMs;
    this.pollMs = o.pollMs ?? LIMITS.fleet.hostPollMs;
  }

  readyAt(host: string): number {
    return this.ready.get(host) ?? 0;
  }

  /** Wait until this worker holds the host's lease and the host's delay has passed. */
  async before(host: string): Promise<void> {
    await this.pending.get(host);
    for (;;) {
      const r = await this.store.claimHost(host, this.holder, new Date(), this.leaseMs);
      if (r.claimed) break;
      const wait = Date.parse(r.retryAt) - Date.now();
      await sleep(Math.max(5, Math.min(this.pollMs, wait)));
    }
    const d = await this.store.hostDelay(host);
    const floorMs = Math.max(this.throttle.minDelayMs, d.crawlDelayMs ?? 0, this.crawlDelay.get(host) ?? 0);
    this.held.set(host, { delayMs: Math.max(d.delayMs ?? this.throttle.minDelayMs, floorMs), floorMs });
  }

  /** Release the host, its next request allowed after the new delay (and the server's Retry-After). */
  after(host: string, latencyMs: number, failed: boolean, retryAfterMs?: number | null): void {
    const h = this.held.get(host);
    this.held.delete(host);
    if (!h) return;
    const delayMs = Math.round(autoThrottle(this.throttle, h.delayMs, h.floorMs, latencyMs, failed));
    // The delay counts from the end of the response, as in LocalPoliteness.
    const end = Date.now();
    this.lastEnd.set(host, end);
    const next = end + Math.max(delayMs, retryAfterMs ?? 0);
    this.ready.set(host, next);
    this.track(host, async () => {
      const mine = await this.store.releaseHostWithDelay(host, this.holder, new Date(next), delayMs);
      if (!mine) log.warn({ host, holder: this.holder }, 'host lease lapsed during a request');
    });
  }

  setCrawlDelay(host: string, ms: number): void {
    this.crawlDelay.set(host, ms);
    const notBefore = (this.lastEnd.get(host) ?? Date.now()) + ms;
    this.ready.set(host, Math.max(this.ready.get(host) ?? 0, notBefore));
    this.track(host, () => this.store.setHostCrawlDelay(host, ms, new Date(notBefore)));
  }

  /** Wait for the store writes in progress (call before the process lets go of its hosts). */
  async flush(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  /** Run a store write for a host after the ones before it (a release must not undo a later Crawl-delay). */
  private track(host: string, write: () => Promise<unknown>) {
    const prev = this.pending.get(host) ?? Promise.resolve();
    const next = prev.then(write).catch((e: Error) => log.error({ host, err: e.message }, 'host lease write failed'));
    this.pending.set(host, next);
    void next.then(() => {
      if (this.pending.get(host) === next) this.pending.delete(host);
    });
  }
}
