// The `extract` job: a document already in the store (content-addressed by sha256) is extracted by
// the parser version it names (default: the worker's) and its report re-checked. Idempotent: a
// retried job finds the run already stored and only re-runs the rules, which leaves the review queue
// as it is. A crawl's document (the job names its run and frontier URL) that cannot be read is that
// crawl's failure, recorded as the local crawl records it: the document in `document_failures`, the
// URL pending with the reason, an `ingest_failed` line in the run's fetch log. Any other error is
// thrown, so the queue retries the job; one that fails for good is recorded by the coordinator.
import { availableParallelism } from 'node:os';
import { ingestFailure } from '../crawl/step.ts';
import { type IngestSummary, ingestBytes, recheck, UnreadableDocument } from '../ingest/ingest.ts';
import { isolationEnabled, sharedPool } from '../isolate/pool.ts';
import { LIMITS } from '../settings.ts';
import type { Store } from '../store/store.ts';
import type { ExtractJob, FleetQueue } from './queue.ts';

export interface ExtractJobResult {
  reportId: number | null;
  /** false when this parser version had already extracted these bytes */
  extracted: boolean;
  /** A crawl's document that could not be read: the reason, recorded against its URL. */
  failed?: string;
  review: Pick<IngestSummary, 'opened' | 'reopened' | 'resolved'>;
}

const NO_REVIEW = { opened: 0, reopened: 0, resolved: 0 };

export async function runExtractJob(
  store: Store,
  job: ExtractJob,
  at: string = new Date().toISOString(),
): Promise<ExtractJobResult> {
  const bytes = await store.documentBytes(job.sha256);
  if (!bytes) throw new Error(`extract ${job.sha256}: no such document in the store`);
  const src = {
    location: job.location,
    url: job.url ?? null,
    contentType: job.contentType ?? null,
    nameHint: job.nameHint ?? null,
    sourceId: job.sourceId ?? null,
    sourceAgency: job.sourceAgency ?? null,
    referrer: job.referrer ?? null,
  };
  let r: Awaited<ReturnType<typeof ingestBytes>>;
  try {
    r = await ingestBytes(store, bytes, src, at, job.parserVersion, { stored: true });
  } catch (e) {
    // Unreadable is final for this parser version: a retry would only read it again.
    if (!(e instanceof UnreadableDocument) || job.runId === undefined || !job.crawlUrl) throw e;
    const failed = ingestFailure(e);
    await store.recordIngestFailure(job.crawlUrl, job.runId, failed, at);
    return { reportId: null, extracted: false, failed, review: NO_REVIEW };
  }
  const id = r.reportId;
  const s = id === null ? NO_REVIEW : await recheck(store, [id], at);
  // Counted before the job completes: a job killed after this is retried and finds the run stored.
  if (job.runId !== undefined)
    await store.addCrawlRunCounts(job.runId, {
      newReports: r.extracted ? 1 : 0,
      reviewOpened: s.opened + s.reopened,
    });
  return {
    reportId: r.reportId,
    extracted: r.extracted,
    review: { opened: s.opened, reopened: s.reopened, resolved: s.resolved },
  };
}

/** Extract jobs one process works at once by default: its cores, at most LIMITS.fleet.maxExtractJobs. */
export const defaultExtractJobs = (): number =>
  Math.max(1, Math.min(availableParallelism(), LIMITS.fleet.maxExtractJobs));

/** Called as extract jobs start and finish (progress, tests). */
export interface ExtractHooks {
  onStart?: (job: ExtractJob) => void;
  onDone?: (job: ExtractJob, r: ExtractJobResult) => void;
}

/**
 * Take `extract` jobs from the queue: `readers` documents read at once in this process (each in its
 * own child process), LIMITS.fleet.extractJobsPerReader jobs per reader in flight.
 */
export async function workExtracts(
  store: Store,
  queue: FleetQueue,
  readers: number = defaultExtractJobs(),
  hooks: ExtractHooks = {},
): Promise<void> {
  if (isolationEnabled()) sharedPool(readers);
  await queue.work('extract', readers * LIMITS.fleet.extractJobsPerReader, async (job) => {
    hooks.onStart?.(job);
    const r = await runExtractJob(store, job); // not inside `onDone?.(…)`: that would skip it without a hook
    hooks.onDone?.(job, r);
  });
}
