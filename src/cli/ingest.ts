// `nianbao ingest PATH…`: extract, store, check; then write the review queue file.
import { collectFiles } from '../ingest/files.ts';
import { ingestFiles, type IngestSummary } from '../ingest/ingest.ts';
import { writeQueueFile } from '../review/queue-file.ts';
import { queueFileFor } from '../store/paths.ts';
import { Store } from '../store/store.ts';
import { progress } from './progress.ts';

/** Most child processes `--jobs` may ask for (each may use the per-document memory budget). */
const MAX_JOBS = 64;

export async function runIngest(paths: string[], opts: { db: string; jobs?: string }): Promise<number> {
  const jobs = opts.jobs === undefined ? 1 : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS)
    throw new Error(`--jobs: expected a whole number from 1 to ${MAX_JOBS}, got "${opts.jobs}"`);
  const store = await Store.openSqlite(opts.db);
  try {
    const files = await collectFiles(paths);
    const bar = progress('ingest');
    const summary: IngestSummary = await ingestFiles(
      store,
      files,
      {
        onFile: (done, total, file) => bar.update(done, total, file),
        onError: (file, reason) => process.stderr.write(`nianbao: ${file}: ${reason}\n`),
      },
      { jobs },
    );
    bar.stop();
    const open = await writeQueueFile(store, queueFileFor(opts.db));
    process.stderr.write(
      `ingested ${summary.files} files: ${summary.newDocuments} new documents, ${summary.extracted} extracted, ${summary.unchanged} unchanged, ${summary.failed} failed; ` +
        `${summary.reports} reports checked, review items opened ${summary.opened}, reopened ${summary.reopened}, resolved ${summary.resolved}; ${open} open in ${queueFileFor(opts.db)}\n`,
    );
    return summary.failed ? 1 : 0;
  } finally {
    await store.close();
  }
}
