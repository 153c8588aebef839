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

  /**
   * Wait until this host may be asked again. The delay counts from the end of the previous
   * response, so the gap the server sees between two requests is never shorter than the delay.
   */
  async before(): Promise<void> {
    const wait = this.last + this.currentDelay - Date.now();
    if (this.last && wait > 0) await sleep(wait);
  }

  /** AutoThrottle: move halfway towards latency / target concurrency; never faster after an error. */
  after(latencyMs: number, failed: boolean): void {
    this.last = Date.now();
    const target = latencyMs / this.opts.targetConcurrency;
    let next = (this.delay + target) / 2;
    if (failed) next = Math.max(next, this.delay);
    this.delay = Math.min(this.opts.maxDelayMs, Math.max(this.floor, next));
  }
}
