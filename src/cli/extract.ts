// `nianbao extract FILE…`: one JSON record per readable input on stdout, in input order;
// one line on stderr per unreadable input, and a non-zero exit status after the rest are done.
import { extractBytes, MAX_INPUT_BYTES } from '../pipeline.ts';
import { log } from '../log.ts';
import { safeJson } from '../safe-text.ts';
import { errorLine, stdoutOutput } from './output.ts';
import { readInputFile } from '../ingest/files.ts';
import { isolationEnabled, sharedPool } from '../isolate/pool.ts';

export async function runExtract(
  files: string[],
  opts: { pretty?: boolean },
  stdout: NodeJS.WriteStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const out = stdoutOutput(stdout);
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
      await out.write(`${safeJson(record, opts.pretty ? 2 : undefined)}\n`);
    } catch (e) {
      failed++;
      err.write(errorLine(file, e instanceof Error ? e.message : String(e)));
    }
  }
  return failed ? 1 : 0;
}
