// `nianbao ingest PATH…`: extract, store, check; then write the review queue file.
import { collectFiles } from '../ingest/files.ts';
import { ingestFiles, type IngestSummary } from '../ingest/ingest.ts';
import { writeQueueFile } from '../review/queue-file.ts';
import { queueFileFor } from '../store/paths.ts';
import { openStore } from '../store/open.ts';
import { progress } from './progress.ts';

export async function runIngest(paths: string[], opts: { db: string }): Promise<number> {
  const store = await openStore(opts.db);
  try {
    const files = await collectFiles(paths);
    const bar = progress('ingest');
    const summary: IngestSummary = await ingestFiles(store, files, {
      onFile: (done, total, file) => bar.update(done, total, file),
      onError: (file, reason) => process.stderr.write(`nianbao: ${file}: ${reason}\n`),
    });
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
