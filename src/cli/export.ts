// `nianbao export --format csv|jsonl [--out FILE]`: effective cells in long form.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvHeader, csvLine, exportRows } from '../export/cells.ts';
import { openStore } from '../store/open.ts';

export async function runExport(opts: { db: string; format: string; out?: string }): Promise<number> {
  if (opts.format !== 'csv' && opts.format !== 'jsonl')
    throw new Error(`--format must be csv or jsonl (got ${opts.format})`);
  const store = await openStore(opts.db, { mustExist: true });
  const out = opts.out ? createWriteStream(opts.out) : process.stdout;
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  let n = 0;
  try {
    if (opts.format === 'csv') await write(csvHeader());
    for await (const row of exportRows(store)) {
      await write(opts.format === 'csv' ? csvLine(row) : JSON.stringify(row));
      n++;
    }
  } finally {
    await store.close();
    if (opts.out) {
      (out as ReturnType<typeof createWriteStream>).end();
      await once(out, 'finish');
    }
  }
  process.stderr.write(`exported ${n} cells${opts.out ? ` to ${opts.out}` : ''}\n`);
  return 0;
}
