// Fleet politeness through the store: a host is held by at most one worker at a time, never before
// its next allowed time, and a lapsed lease (a worker killed mid-request) frees the host.
import { afterEach, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { describeStores } from '../helpers/stores.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

describeStores('host lease', (stores) => {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  const open = async (target?: string) => {
    const s = await stores.open(target);
    opened.push(s);
    return s;
  };

  it('one holder at a time; the next claim waits for the released delay', async () => {
    const s = await open();
    expect(await s.claimHost('a.gov.cn', 'w1', at(0), 1000)).toEqual({
      claimed: true,
      leaseUntil: at(1000).toISOString(),
    });
    expect(await s.claimHost('a.gov.cn', 'w2', at(10), 1000)).toEqual({
      claimed: false,
      retryAt: at(1000).toISOString(),
    });
    expect((await s.claimHost('b.gov.cn', 'w2', at(10), 1000)).claimed).toBe(true); // hosts are independent
    expect(await s.releaseHost('a.gov.cn', 'w2', at(50))).toBe(false); // not the holder
    expect(await s.releaseHost('a.gov.cn', 'w1', at(500))).toBe(true);
    expect(await s.claimHost('a.gov.cn', 'w2', at(400), 1000)).toEqual({
      claimed: false,
      retryAt: at(500).toISOString(),
    });
    expect((await s.claimHost('a.gov.cn', 'w2', at(500), 1000)).claimed).toBe(true);
  });

  it('a lapsed lease frees the host; the old holder can no longer release it', async () => {
    const s = await open();
    expect((await s.claimHost('a.gov.cn', 'dead', at(0), 100)).claimed).toBe(true);
    expect((await s.claimHost('a.gov.cn', 'w2', at(99), 100)).claimed).toBe(false);
    expect((await s.claimHost('a.gov.cn', 'w2', at(100), 100)).claimed).toBe(true);
    expect(await s.releaseHost('a.gov.cn', 'dead', at(5000))).toBe(false);
    expect((await s.claimHost('a.gov.cn', 'w3', at(150), 100)).claimed).toBe(false); // w2 still holds it
  });

  it('concurrent claimers on separate connections never hold one host together', async () => {
    const target = await stores.fresh();
    // Opened one after another: SQLite connections of one process wait for locks synchronously, so
    // a migration transaction of one would block the event loop the other needs to commit.
    const workers: Store[] = [];
    for (let i = 0; i < 5; i++) workers.push(await open(target));
    const hosts = ['h1.gov.cn', 'h2.gov.cn'];
    const holding = new Map<string, string>();
    let overlaps = 0;
    let claims = 0;
    const deadline = Date.now() + 3000;
    await Promise.all(
      workers.flatMap((store, w) =>
        [0, 1].map(async (k) => {
          const me = `w${w}.${k}`;
          while (Date.now() < deadline) {
            const host = hosts[Math.floor(Math.random() * hosts.length)]!;
            const r = await store.claimHost(host, me, new Date(), 60_000);
            if (!r.claimed) {
              await new Promise((res) => setTimeout(res, 1));
              continue;
            }
            claims++;
            if (holding.has(host)) overlaps++;
            holding.set(host, me);
            await new Promise((res) => setTimeout(res, Math.random() * 3));
            holding.delete(host);
            expect(await store.releaseHost(host, me, new Date())).toBe(true);
          }
        }),
      ),
    );
    expect(overlaps).toBe(0);
    expect(claims).toBeGreaterThan(20);
  }, 30_000);
});
