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
  const s = r.reportId === null ? { opened: 0, reopened: 0, resolved: 0 } : await recheck(store, [r.reportId], at);
  return {
    reportId: r.reportId,
    extracted: r.extracted,
    review: { opened: s.opened, reopened: s.reopened, resolved: s.resolved },
  };
}
