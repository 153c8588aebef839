// `nianbao summary --out DIR`: DIR/index.html, a static page of SVG charts that opens offline.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSummaryHtml } from '../export/summary.ts';
import { openStore } from '../store/open.ts';

export async function runSummary(opts: { db: string; out: string }): Promise<number> {
  const store = await openStore(opts.db, { mustExist: true });
  try {
    const html = await renderSummaryHtml(store);
    mkdirSync(opts.out, { recursive: true });
    const file = path.join(opts.out, 'index.html');
    writeFileSync(file, html);
    process.stderr.write(`summary: ${path.resolve(file)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
