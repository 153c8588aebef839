// The `extract` job: a document already in the store (content-addressed by sha256) is extracted by
// the current parser and its report re-checked. Idempotent: a retried job finds the run already
// stored and only re-runs the rules, which leaves the review queue as it is.
import { type IngestSummary, ingestBytes, recheck } from '../ingest/ingest.ts';
import type { Store } from '../store/store.ts';
import type { ExtractJob } from './queue.ts';

export interface ExtractJobResult {
  reportId: number | null;
  /** false when this parser version had already extracted these bytes */
  extracted: boolean;
  review: Pick<IngestSummary, 'opened' | 'reopened' | 'resolved'>;
}

// The rules and the review queue of one process's jobs are brought up to date one job at a time:
// two concurrent rechecks on a Postgres store were seen to lose a review item (an open race).
let recheckChain: Promise<unknown> = Promise.resolve();
const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
  const next = recheckChain.then(fn, fn);
  recheckChain = next.catch(() => {});
  return next;
};

export async function runExtractJob(
  store: Store,
  job: ExtractJob,
  at: string = new Date().toISOString(),
): Promise<ExtractJobResult> {
  const bytes = await store.documentBytes(job.sha256);
  if (!bytes) throw new Error(`extract ${job.sha256}: no such document in the store`);
  const r = await ingestBytes(
    store,
    bytes,
    {
      location: job.location,
      url: job.url ?? null,
      contentType: job.contentType ?? null,
      nameHint: job.nameHint ?? null,
    },
    at,
  );
  const id = r.reportId;
  const s = id === null ? { opened: 0, reopened: 0, resolved: 0 } : await oneAtATime(() => recheck(store, [id], at));
  return {
    reportId: r.reportId,
    extracted: r.extracted,
    review: { opened: s.opened, reopened: s.reopened, resolved: s.resolved },
  };
}
