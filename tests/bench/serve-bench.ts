// `npm run bench:serve`: server time of the review desk's queue page on a store of 10 000 reports and
// 30 000 review items (target: under 300 ms per page). Requests go through the app in process, so
// the time is the server's (query, render), without a network or a browser.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReviewService } from '../../src/review/service.ts';
import { createApp } from '../../src/web/server.ts';
import { bigStore } from '../helpers/big-store.ts';

const db = path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-serve-bench-')), 'n.db');
const t0 = performance.now();
const store = await bigStore(db, 10_000);
console.log(
  `built a store of 10 000 reports / 30 000 review items in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
const app = createApp({ service: new ReviewService(store), token: null, who: 'bench', loopbackOnly: true });
const pages = [
  '/',
  '/?status=all',
  '/?rule=T4-1',
  '/?agency=%E6%B5%8B%E8%AF%9542%E5%8F%B7',
  '/?year=2021&level=hard',
  '/?status=all&page=300',
  '/api/queue?status=all',
];
let worst = 0;
for (const p of pages) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const res = await app.request(`http://127.0.0.1${p}`, { headers: { host: '127.0.0.1:8080' } });
    bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[3]!;
  worst = Math.max(worst, median);
  console.log(
    `${p.padEnd(44)} median ${median.toFixed(1).padStart(6)} ms  max ${times[6]!.toFixed(1).padStart(6)} ms  (${bytes} bytes)`,
  );
}
console.log(`slowest median ${worst.toFixed(1)} ms: ${worst < 300 ? 'within' : 'OVER'} the 300 ms target`);
await store.close();
