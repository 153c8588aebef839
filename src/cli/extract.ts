// `nianbao extract FILE…`: one JSON record per readable input on stdout, in input order;
// one line on stderr per unreadable input, and a non-zero exit status after the rest are done.
import { extractBytes, MAX_INPUT_BYTES } from '../pipeline.ts';
import { log } from '../log.ts';
import { readInputFile } from '../ingest/files.ts';
import { isolationEnabled, sharedPool } from '../isolate/pool.ts';

export async function runExtract(
  files: string[],
  opts: { pretty?: boolean },
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  let failed = 0;
  for (const file of files) {
    try {
      const bytes = await readInputFile(file, MAX_INPUT_BYTES).catch((e: Error) => {
        throw e.message === 'is a directory' ? new Error('is a directory (use `nianbao ingest` for folders)') : e;
      });
      const t0 = performance.now();
      // In a child process under the per-document budgets (LIMITS.doc), like ingest.
      const record = isolationEnabled()
        ? await sharedPool().extract(bytes, { path: file })
        : await extractBytes(bytes, { path: file });
      log.debug(
        { file, cells: record.cells.length, findings: record.findings.length, ms: Math.round(performance.now() - t0) },
        'extracted',
      );
      out.write(`${JSON.stringify(record, null, opts.pretty ? 2 : undefined)}\n`);
    } catch (e) {
      failed++;
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      err.write(`nianbao: ${file}: ${reason}\n`);
    }
  }
  return failed ? 1 : 0;
}
