// StorePoliteness: two workers (separate instances, separate store connections on one store) asking
// for one host take turns — never both at once, never closer than the host's delay — and a
// Crawl-delay or Retry-After learnt by one holds for the other. On both dialects.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { StorePoliteness } from '../../src/fleet/store-politeness.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStores } from '../helpers/stores.ts';

const THROTTLE = { minDelayMs: 40, maxDelayMs: 5000, targetConcurrency: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeStores('store politeness', (stores) => {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  /** Two workers on one store, each with its own connection. */
  const twoWorkers = async () => {
    const target =
      stores.kind === 'sqlite'
        ? path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-sp-')), 'n.db')
        : await stores.fresh();
    const a = await stores.open(target);
    const b = await stores.open(target);
    opened.push(a, b);
    return [
      new StorePoliteness(a, 'worker-a', THROTTLE, { pollMs: 5 }),
      new StorePoliteness(b, 'worker-b', THROTTLE, { pollMs: 5 }),
    ] as const;
  };

  it('two workers on one host: one request at a time, gaps never under the delay', async () => {
    const workers = await twoWorkers();
    const spans: Array<{ start: number; end: number }> = [];
    await Promise.all(
      workers.map(async (p) => {
        for (let i = 0; i < 6; i++) {
          await p.before('h.gov.cn');
          const start = Date.now();
          await sleep(5); // the request
          const end = Date.now();
          spans.push({ start, end });
          p.after('h.gov.cn', end - start, false);
        }
        await p.flush();
      }),
    );
    spans.sort((x, y) => x.start - y.start);
    expect(spans).toHaveLength(12);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]!.start - spans[i - 1]!.end).toBeGreaterThanOrEqual(THROTTLE.minDelayMs);
  });

  it('a Crawl-delay or Retry-After learnt by one worker holds for the other', async () => {
    const [a, b] = await twoWorkers();
    await a.before('h.gov.cn');
    let end = Date.now();
    a.after('h.gov.cn', 1, false);
    a.setCrawlDelay('h.gov.cn', 300); // robots.txt just read
    await a.flush();
    await b.before('h.gov.cn');
    expect(Date.now() - end).toBeGreaterThanOrEqual(300);
    end = Date.now();
    b.after('h.gov.cn', 1, true, 600); // 503 with Retry-After: 0.6 s
    await b.flush();
    await a.before('h.gov.cn');
    expect(Date.now() - end).toBeGreaterThanOrEqual(600);
    end = Date.now();
    a.after('h.gov.cn', 1, false);
    await a.flush();
    await b.before('h.gov.cn'); // back to the Crawl-delay floor, which b learnt only from the store
    const gap = Date.now() - end;
    expect(gap).toBeGreaterThanOrEqual(300);
    expect(gap).toBeLessThan(600);
    b.after('h.gov.cn', 1, false);
    await b.flush();
  });
});
