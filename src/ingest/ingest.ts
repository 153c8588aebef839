// Ingest: bytes → store (content-addressed) → extraction run (once per parser version) → rules →
// review queue. Each document commits on its own, so a crash loses nothing already committed and
// a re-run finishes the job.
import { parserVersion as currentParserVersion } from '../../parsers/index.ts';
import { ensureBodies } from '../bodies/resolve.ts';
import { extractBytes, MAX_INPUT_BYTES, sha256 } from '../pipeline.ts';
import { sniffMedia } from '../read/sniff.ts';
import { evaluateReport } from '../review/evaluate.ts';
import { RunExistsError, type Store } from '../store/store.ts';
import { isolationEnabled, sharedPool, type ExtractionPool } from '../isolate/pool.ts';
import type { ReportRecord } from '../record.ts';
import { bestCopy } from './copies.ts';
import { readInputFile } from './files.ts';
import { identify } from './identity.ts';

export interface IngestSummary {
  files: number;
  newDocuments: number;
  extracted: number;
  unchanged: number;
  failed: number;
  reports: number;
  opened: number;
  reopened: number;
  resolved: number;
}

export interface IngestHooks {
  onFile?: (done: number, total: number, location: string) => void;
  onError?: (location: string, reason: string) => void;
  now?: () => string;
}

export interface BytesSource {
  location: string;
  url?: string | null;
  contentType?: string | null;
  /** A file name that hints the medium (Content-Disposition); content decides. */
  nameHint?: string | null;
  /** The registry source whose crawl found the document. */
  sourceId?: string | null;
  /** That source's agency: the publisher when the document does not name one. */
  sourceAgency?: string | null;
  /** The URL of the page that linked to this document (an attachment's report page). */
  referrer?: string | null;
}

const mediaOf = (bytes: Uint8Array, name: string): string => {
  const m = sniffMedia(bytes, name);
  return m === 'zip' ? 'docx' : m === 'ole' ? 'doc' : m;
};

/** How documents are extracted: in the shared pool of child processes (default), or in-process. */
export interface ExtractOptions {
  /** A pool to use; default: the process's shared pool (null: in this process, no budgets). */
  pool?: ExtractionPool | null;
  /** The bytes and this sighting of them are in the store already (an extract job): not sent again. */
  stored?: boolean;
}

/** The document could not be read or extracted (recorded in `document_failures`); the message says why. */
export class UnreadableDocument extends Error {}

/** Keep the bytes, content-addressed, and where they were seen (one transaction). Returns their hash. */
export async function keepDocument(
  store: Store,
  bytes: Uint8Array,
  src: BytesSource,
  at: string,
): Promise<{ sha256: string; isNewDocument: boolean }> {
  const sha = sha256(bytes);
  const isNewDocument = await store.transaction((trx) =>
    store.putDocument(trx, {
      sha256: sha,
      media: mediaOf(bytes, src.nameHint ?? src.location),
      bytes,
      location: src.url ?? src.location,
      at,
      referrer: src.referrer ?? null,
      sourceId: src.sourceId ?? null,
    }),
  );
  return { sha256: sha, isNewDocument };
}

const extractionOf = (bytes: Uint8Array, src: BytesSource, opts: ExtractOptions): Promise<ReportRecord> => {
  const input = {
    path: src.url ? null : src.location,
    url: src.url ?? null,
    contentType: src.contentType ?? null,
    nameHint: src.nameHint ?? src.location,
  };
  const pool = opts.pool === undefined ? (isolationEnabled() ? sharedPool() : null) : opts.pool;
  return pool ? pool.extract(bytes, input) : extractBytes(bytes, input);
};

/** The lock commits take (see saveReading). */
const COMMIT_LOCK = 'commit';

/** The bytes are stored; their extraction (if this parser version has not done it) is under way. */
interface Begun {
  isNewDocument: boolean;
  /** Waits for the extraction and commits it (or records the failure and throws its reason). */
  finish: () => Promise<{ reportId: number | null; isNewDocument: boolean; extracted: boolean }>;
}

/**
 * Bytes this parser version has read already are a copy seen again: which version a location serves
 * may have changed, and with it the current copy, which is elected again. Their report, or null.
 */
async function seenAgain(store: Store, sha: string, parserVersion: string, at: string): Promise<number | null> {
  const run = await store.findRun(sha, parserVersion);
  if (!run) return null;
  await store.transaction((trx) => store.electCurrent(trx, run.report_id, bestCopy, at));
  return run.report_id;
}

/** Store the bytes (one transaction) and start extracting them; `finish` commits the result. */
async function beginIngest(
  store: Store,
  bytes: Uint8Array,
  src: BytesSource,
  at: string,
  parserVersion: string,
  opts: ExtractOptions,
): Promise<Begun> {
  const { sha256: sha, isNewDocument } = opts.stored
    ? { sha256: sha256(bytes), isNewDocument: false }
    : await keepDocument(store, bytes, src, at);
  const readBefore = await seenAgain(store, sha, parserVersion, at);
  if (readBefore !== null)
    return { isNewDocument, finish: async () => ({ reportId: readBefore, isNewDocument, extracted: false }) };
  // Settled either way, so a failure waiting in the window is never an unhandled rejection.
  const pending = extractionOf(bytes, src, opts).then(
    (record) => ({ record }),
    (e: unknown) => ({ error: (e instanceof Error ? e.message : String(e)).split('\n')[0]! }),
  );
  return {
    isNewDocument,
    finish: async () => {
      const r = await pending;
      if ('error' in r) {
        await store.recordFailure({
          sha256: sha,
          parserVersion,
          location: src.url ?? src.location,
          reason: r.error,
          at,
        });
        throw new UnreadableDocument(r.error);
      }
      return { ...(await saveReading(store, r.record, src, at, parserVersion)), isNewDocument };
    },
  };
}

/**
 * Commit one reading: its report is identified (document, linking page, a copy printing the same
 * values, registry source), copies that arrived before it unidentified join it, and the best copy
 * becomes current. Returns the report.
 */
async function saveReading(
  store: Store,
  record: ReportRecord,
  src: BytesSource,
  at: string,
  parserVersion: string,
): Promise<{ reportId: number; extracted: boolean }> {
  // Another process committed a reading of these bytes meanwhile: it stands, and the document is
  // handled as one seen again.
  const readMeanwhile = async () => {
    const reportId = await seenAgain(store, record.source.sha256, parserVersion, at);
    return reportId === null ? null : { reportId, extracted: false, affected: [] };
  };
  // One commit at a time across the store's processes: which report a reading joins depends on the
  // reports and copies already stored, so two at once could both create the same report.
  const r = await store.exclusive(COMMIT_LOCK, async () => {
    const done = await readMeanwhile();
    if (done) return done;
    try {
      return { ...(await commitReading(store, record, src, at, parserVersion)), extracted: true };
    } catch (e) {
      // Two SQLite processes on one file (the lock is per process there): the run's key decides.
      const again = e instanceof RunExistsError ? await readMeanwhile() : null;
      if (again) return again;
      throw e;
    }
  });
  // The reports that lost copies are checked again (an affected one resolves its review items).
  for (const id of r.affected) await evaluateReport(store, id, at);
  return { reportId: r.reportId, extracted: r.extracted };
}

async function commitReading(store: Store, record: ReportRecord, src: BytesSource, at: string, parserVersion: string) {
  const identity = await identify(store, record, src);
  const affected: number[] = [];
  const saved = await store.transaction(async (trx) => {
    await store.clearFailure(trx, record.source.sha256, parserVersion);
    const saved = await store.saveRun(trx, record, parserVersion, at, identity);
    if (identity.agencySource && identity.year) {
      // Copies that arrived before this one and could not be identified on their own join it now,
      // so the result does not depend on the order the copies came in.
      const orphans = await store.unidentifiedCopies(trx, {
        referrer: src.url ?? src.location,
        signature: identity.signature ?? null,
      });
      for (const o of orphans) {
        if (o.reportId === saved.reportId || (o.year !== null && o.year !== identity.year)) continue;
        await store.moveRuns(trx, o.reportId, saved.reportId, o.how, at);
        affected.push(o.reportId);
      }
    }
    await store.electCurrent(trx, saved.reportId, bestCopy, at);
    // An older version at this location may belong to another report (the page now names another
    // year): that report loses the copy this one replaced.
    for (const id of await store.reportsSeenAt(trx, src.url ?? src.location))
      if (id !== saved.reportId && !affected.includes(id)) {
        await store.electCurrent(trx, id, bestCopy, at);
        affected.push(id);
      }
    return saved;
  });
  return { reportId: saved.reportId, affected };
}

/**
 * Store one document and extract it unless this parser version already did. Returns the report it
 * belongs to. Unreadable or over budget: the bytes are kept, the failure and its reason are recorded
 * (`Store.listFailures`), and the reason is thrown as a one-line Error. Extraction runs in a child
 * process under the per-document budgets (LIMITS.doc), so the crawler inherits them.
 */
export async function ingestBytes(
  store: Store,
  bytes: Uint8Array,
  src: BytesSource,
  at: string,
  parserVersion = currentParserVersion(),
  opts: ExtractOptions = {},
): Promise<{ reportId: number | null; isNewDocument: boolean; extracted: boolean }> {
  return (await beginIngest(store, bytes, src, at, parserVersion, opts)).finish();
}

/** Re-run the rules of these reports and of their neighbours in time (X-1, X-2 look one year back). */
export async function recheck(
  store: Store,
  reportIds: Iterable<number>,
  at: string,
): Promise<Pick<IngestSummary, 'opened' | 'reopened' | 'resolved' | 'reports'>> {
  const ids = new Set(reportIds);
  // Link reports to body identities first: R-1 of a parent government needs its departments' links.
  for (const parent of await ensureBodies(store, { at, reportIds: ids })) ids.add(parent);
  for (const id of [...ids]) {
    const r = await store.report(id);
    if (!r?.agency || r.report_year === null) continue;
    const next = await store.report(`${r.agency.normalize('NFKC').replace(/\s+/g, '')}|${r.report_year + 1}`);
    if (next) ids.add(next.id);
  }
  const sum = { opened: 0, reopened: 0, resolved: 0, reports: ids.size };
  for (const id of ids) {
    const checked = (await store.report(id))?.current_run_id ?? null;
    const s = await evaluateReport(store, id, at);
    if (checked !== null) await store.markChecked(id, checked);
    sum.opened += s.opened;
    sum.reopened += s.reopened;
    sum.resolved += s.resolved;
  }
  return sum;
}

export interface IngestFilesOptions extends ExtractOptions {
  /** Documents extracted at once (child processes); commits stay in input order, one at a time. */
  jobs?: number;
}

export async function ingestFiles(
  store: Store,
  files: string[],
  hooks: IngestHooks = {},
  opts: IngestFilesOptions = {},
): Promise<IngestSummary> {
  const now = hooks.now ?? (() => new Date().toISOString());
  const jobs = Math.max(1, Math.floor(opts.jobs ?? 1));
  const extract: ExtractOptions = {
    pool: opts.pool === undefined ? (isolationEnabled() ? sharedPool(jobs) : null) : opts.pool,
  };
  const s: IngestSummary = {
    files: files.length,
    newDocuments: 0,
    extracted: 0,
    unchanged: 0,
    failed: 0,
    reports: 0,
    opened: 0,
    reopened: 0,
    resolved: 0,
  };
  const touched = new Set<number>();
  const fail = (file: string, e: unknown) => {
    s.failed++;
    hooks.onError?.(file, (e instanceof Error ? e.message : String(e)).split('\n')[0]!);
  };
  // Up to `jobs` extractions in flight; each is committed in input order, so the store ends up the
  // same whatever `jobs` is.
  const window: Array<() => Promise<void>> = [];
  for (const [i, file] of files.entries()) {
    hooks.onFile?.(i, files.length, file);
    try {
      const bytes = await readInputFile(file, MAX_INPUT_BYTES);
      const begun = await beginIngest(store, bytes, { location: file }, now(), currentParserVersion(), extract);
      if (begun.isNewDocument) s.newDocuments++;
      window.push(async () => {
        try {
          const r = await begun.finish();
          if (r.extracted) s.extracted++;
          else s.unchanged++;
          if (r.reportId !== null) touched.add(r.reportId);
        } catch (e) {
          fail(file, e);
        }
      });
    } catch (e) {
      // Reported in its turn, so the lines come in input order whatever `jobs` is.
      window.push(async () => fail(file, e));
    }
    if (window.length >= jobs) await window.shift()!();
  }
  while (window.length) await window.shift()!();
  hooks.onFile?.(files.length, files.length, '');
  Object.assign(s, await recheck(store, touched, now()));
  return s;
}
