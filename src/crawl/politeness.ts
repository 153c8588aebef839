// Per-host politeness: one request at a time per host, and a delay adapted from latency the way
// Scrapy's AutoThrottle does it (never faster after an error), never below robots.txt Crawl-delay.
import { LIMITS } from '../settings.ts';

export interface ThrottleOptions {
  minDelayMs: number;
  maxDelayMs: number;
  /** Requests a host should have in flight on average (AutoThrottle's target concurrency). */
  targetConcurrency: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { ...LIMITS.throttle };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HostThrottle {
  private delay: number;
  private last = 0;
  crawlDelayMs = 0;

  constructor(private readonly opts: ThrottleOptions) {
    this.delay = opts.minDelayMs;
  }

  get floor(): number {
    return Math.max(this.opts.minDelayMs, this.crawlDelayMs);
  }

  get currentDelay(): number {
    return Math.max(this.delay, this.floor);
  }

  /** When (epoch ms) the host may be asked again; 0 before its first request. */
  get readyAt(): number {
    return this.last ? this.last + this.currentDelay : 0;
  }

  /**
   * Wait until this host may be asked again. The delay counts from the end of the previous
   * response, so the gap the server sees between two requests is never shorter than the delay
   * (however late the server noticed the previous one).
   */
  async before(): Promise<void> {
    for (;;) {
      const wait = this.last + this.currentDelay - Date.now();
      if (!this.last || wait <= 0) return;
      await sleep(wait); // the delay may have grown meanwhile (robots.txt Crawl-delay)
    }
  }

  /** AutoThrottle: move halfway towards latency / target concurrency; never faster after an error. */
  after(latencyMs: number, failed: boolean): void {
    this.last = Date.now();
    this.delay = autoThrottle(this.opts, this.delay, this.floor, latencyMs, failed);
  }
}

/** AutoThrottle's next delay from the current one, never below `floor` (Crawl-delay) nor above the max. */
export function autoThrottle(
  opts: ThrottleOptions,
  delay: number,
  floor: number,
  latencyMs: number,
  failed: boolean,
): number {
  const target = latencyMs / opts.targetConcurrency;
  let next = (delay + target) / 2;
  if (failed) next = Math.max(next, delay);
  return Math.min(opts.maxDelayMs, Math.max(floor, next));
}

/**
 * The politeness state of every host, behind the interface the scheduler uses: in memory for one
 * process now; a store-backed lease table can implement it for a fleet of crawlers.
 */
export interface HostPoliteness {
  /** When (epoch ms) the host may next be asked; 0 when it may be asked now. */
  readyAt(host: string): number;
  /** Called before every request: waits until the host may be asked. */
  before(host: string): Promise<void>;
  /** Called after every response (or failure): the latency feeds AutoThrottle. */
  after(host: string, latencyMs: number, failed: boolean, retryAfterMs?: number | null): void;
  /** robots.txt Crawl-delay, in milliseconds. */
  setCrawlDelay(host: string, ms: number): void;
}

export class LocalPoliteness implements HostPoliteness {
  private readonly hosts = new Map<string, HostThrottle>();
  constructor(private readonly opts: ThrottleOptions = DEFAULT_THROTTLE) {}

  private of(host: string): HostThrottle {
    let t = this.hosts.get(host);
    if (!t) {
      t = new HostThrottle(this.opts);
      this.hosts.set(host, t);
    }
    return t;
  }
  readyAt(host: string): number {
    return this.hosts.get(host)?.readyAt ?? 0;
  }
  before(host: string): Promise<void> {
    return this.of(host).before();
  }
  after(host: string, latencyMs: number, failed: boolean): void {
    this.of(host).after(latencyMs, failed);
  }
  setCrawlDelay(host: string, ms: number): void {
    this.of(host).crawlDelayMs = ms;
  }
}
