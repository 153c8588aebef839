// `nianbao reprocess`: re-read stored documents with the current parser (no fetching), re-run the
// rules, rewrite the review queue file. Holds the store's crawl lock: a crawl must not save runs of
// the same documents at the same time.
import { lockStore } from '../crawl/lock.ts';
import { reprocess } from '../ingest/reprocess.ts';
import { writeQueueFile } from '../review/queue-file.ts';
import { queueFileFor } from '../store/paths.ts';
import { progress } from './progress.ts';
import { openStore } from '../store/open.ts';

export interface ReprocessCliOptions {
  db: string;
  all?: boolean;
  olderThan?: string;
  agency?: string;
  year?: string;
}

export async function runReprocess(o: ReprocessCliOptions): Promise<number> {
  if (o.all && o.olderThan !== undefined) throw new Error('--all and --older-than exclude each other');
  const year = o.year === undefined ? undefined : Number(o.year);
  if (year !== undefined && !Number.isInteger(year)) throw new Error(`--year must be a year (got ${o.year})`);
  const store = await openStore(o.db);
  try {
    const lock = await lockStore(store, 'crawl');
    try {
      const bar = progress('reprocess');
      const s = await reprocess(store, {
        ...(o.olderThan !== undefined ? { olderThan: o.olderThan } : {}),
        ...(o.agency !== undefined ? { agency: o.agency } : {}),
        ...(year !== undefined ? { year } : {}),
        onDocument: (done, total, what) => bar.update(done, total, what),
        onError: (sha, reason) => process.stderr.write(`nianbao: document ${sha.slice(0, 12)}: ${reason}\n`),
      });
      bar.stop();
      const open = await writeQueueFile(store, queueFileFor(o.db));
      process.stderr.write(
        `reprocess with parser ${s.parserVersion}: ${s.documents} documents due, ${s.reread} re-read, ${s.failed} failed; ` +
          `${s.reports} reports checked, review items opened ${s.opened}, reopened ${s.reopened}, resolved ${s.resolved}; ${open} open in ${queueFileFor(o.db)}\n`,
      );
      return s.failed ? 1 : 0;
    } finally {
      await lock.release();
    }
  } finally {
    await store.close();
  }
}
