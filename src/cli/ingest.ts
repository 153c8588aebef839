// `nianbao ingest PATH…`: extract, store, check; then write the review queue file.
import { collectFiles } from '../ingest/files.ts';
import { ingestFiles, type IngestSummary } from '../ingest/ingest.ts';
import { writeQueueFile } from '../review/queue-file.ts';
import { queueFileFor } from '../store/paths.ts';
import { errorLine, withOutputErrors } from './output.ts';
import { progress } from './progress.ts';
import { openStore } from '../store/open.ts';

/** Most child processes `--jobs` may ask for (each may use the per-document memory budget). */
const MAX_JOBS = 64;

export async function runIngest(paths: string[], opts: { db: string; jobs?: string }): Promise<number> {
  const jobs = opts.jobs === undefined ? 1 : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS)
    throw new Error(`--jobs: expected a whole number from 1 to ${MAX_JOBS}, got "${opts.jobs}"`);
  const store = await openStore(opts.db);
  try {
    // A special file or a broken link met by a folder walk counts as failed: one line, exit status 1.
    let skipped = 0;
    const files = await collectFiles(paths, (file, reason) => {
      skipped++;
      process.stderr.write(errorLine(file, reason));
    });
    const bar = progress('ingest');
    const summary: IngestSummary = await ingestFiles(
      store,
      files,
      {
        onFile: (done, total, file) => bar.update(done, total, file),
        onError: (file, reason) => process.stderr.write(errorLine(file, reason)),
      },
      { jobs },
    );
    bar.stop();
    const queue = queueFileFor(opts.db);
    const open = await withOutputErrors(queue, () => writeQueueFile(store, queue));
    const failed = summary.failed + skipped;
    process.stderr.write(
      `ingested ${summary.files + skipped} files: ${summary.newDocuments} new documents, ${summary.extracted} extracted, ${summary.unchanged} unchanged, ${failed} failed; ` +
        `${summary.reports} reports checked, review items opened ${summary.opened}, reopened ${summary.reopened}, resolved ${summary.resolved}; ${open} open in ${queue}\n`,
    );
    return failed ? 1 : 0;
  } finally {
    await store.close();
  }
}
