// `npm run bench:review`: `nianbao review list` on a store of 10 000 reports (target < 1 s).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bigStore } from '../helpers/big-store.ts';

const db = path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-bench-')), 'n.db');
const t0 = performance.now();
const store = await bigStore(db, 10_000);
await store.close();
console.log(
  `built a store of 10 000 reports / 30 000 review items in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
for (const args of [['--rule', 'T4-1'], ['--agency', '测试42号局'], ['--year', '2021', '--json'], ['--json'], []]) {
  const t = performance.now();
  const out = execFileSync(process.execPath, ['bin/nianbao.js', 'review', 'list', ...args, '--db', db], {
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  console.log(
    `review list ${args.join(' ').padEnd(22)} ${String(Math.round(performance.now() - t)).padStart(5)} ms (whole command, ${out.length} bytes out)`,
  );
}
