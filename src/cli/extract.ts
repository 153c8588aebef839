// `nianbao extract FILE…`: one JSON record per readable input on stdout, in input order;
// one line on stderr per unreadable input, and a non-zero exit status after the rest are done.
import { readFile, stat } from 'node:fs/promises';
import { extractBytes, MAX_INPUT_BYTES } from '../pipeline.ts';
import { log } from '../log.ts';
import { safeJson } from '../safe-text.ts';
import { errorLine, stdoutOutput } from './output.ts';

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
      const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
        throw new Error(e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message);
      });
      if (st.isDirectory()) throw new Error('is a directory (use `nianbao ingest` for folders)');
      if (st.size > MAX_INPUT_BYTES)
        throw new Error(
          `too large: ${(st.size / 1048576).toFixed(1)} MB exceeds the ${MAX_INPUT_BYTES / 1048576} MB input limit`,
        );
      const bytes = await readFile(file);
      const t0 = performance.now();
      const record = await extractBytes(bytes, { path: file });
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
