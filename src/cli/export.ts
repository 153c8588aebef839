// `nianbao export --format csv|jsonl [--out FILE]`: effective cells in long form.
import { csvHeader, csvLine, exportRows } from '../export/cells.ts';
import { Store } from '../store/store.ts';
import { outputFor } from './output.ts';

export async function runExport(opts: { db: string; format: string; out?: string }): Promise<number> {
  if (opts.format !== 'csv' && opts.format !== 'jsonl')
    throw new Error(`--format must be csv or jsonl (got ${opts.format})`);
  const store = await Store.openSqlite(opts.db);
  const out = await outputFor(opts.out).catch(async (e) => {
    await store.close();
    throw e;
  });
  const write = (line: string) => out.write(`${line}\n`);
  let n = 0;
  try {
    if (opts.format === 'csv') await write(csvHeader());
    for await (const row of exportRows(store)) {
      await write(opts.format === 'csv' ? csvLine(row) : JSON.stringify(row));
      n++;
    }
  } finally {
    await store.close();
    await out.close();
  }
  process.stderr.write(`exported ${n} cells${opts.out ? ` to ${opts.out}` : ''}\n`);
  return 0;
}
