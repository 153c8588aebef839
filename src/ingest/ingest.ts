// Ingest: bytes → store (content-addressed) → extraction run (once per parser version) → rules →
// review queue. Each document commits on its own, so a crash loses nothing already committed and
// a re-run finishes the job.
import { readFile, stat } from 'node:fs/promises';
import { parserVersion as currentParserVersion } from '../../parsers/index.ts';
import { ensureBodies } from '../bodies/resolve.ts';
import { extractBytes, MAX_INPUT_BYTES, sha256 } from '../pipeline.ts';
import { sniffMedia } from '../read/sniff.ts';
import { evaluateReport } from '../review/evaluate.ts';
import { bestCopy } from './copies.ts';
import { identify } from './identity.ts';
import type { Store } from '../store/store.ts';

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

/**
 * Store one document and extract it unless this parser version already did. Returns the report it
 * belongs to (null when unreadable: the bytes are kept, the reason is thrown after the commit).
 */
export async function ingestBytes(
  store: Store,
  bytes: Uint8Array,
  src: BytesSource,
  at: string,
  parserVersion = currentParserVersion(),
): Promise<{ reportId: number | null; isNewDocument: boolean; extracted: boolean }> {
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
  const run = await store.findRun(sha, parserVersion);
  if (run) {
    // Seen again: which version a location serves may have changed, and with it the current copy.
    await store.transaction((trx) => store.electCurrent(trx, run.report_id, bestCopy, at));
    return { reportId: run.report_id, isNewDocument, extracted: false };
  }
  const record = await extractBytes(bytes, {
    path: src.url ? null : src.location,
    url: src.url ?? null,
    contentType: src.contentType ?? null,
    nameHint: src.nameHint ?? src.location,
  });
  const identity = await identify(store, record, src);
  const affected: number[] = [];
  const saved = await store.transaction(async (trx) => {
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
  // The reports that lost copies are checked again (an affected one resolves its review items).
  for (const id of affected) await evaluateReport(store, id, at);
  return { reportId: saved.reportId, isNewDocument, extracted: true };
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

export async function ingestFiles(store: Store, files: string[], hooks: IngestHooks = {}): Promise<IngestSummary> {
  const now = hooks.now ?? (() => new Date().toISOString());
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
  for (const [i, file] of files.entries()) {
    hooks.onFile?.(i, files.length, file);
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > MAX_INPUT_BYTES)
        throw new Error(
          `too large: ${(st.size / 1048576).toFixed(1)} MB exceeds the ${MAX_INPUT_BYTES / 1048576} MB input limit`,
        );
      const r = await ingestBytes(store, await readFile(file), { location: file }, now());
      if (r.isNewDocument) s.newDocuments++;
      if (r.extracted) s.extracted++;
      else s.unchanged++;
      if (r.reportId !== null) touched.add(r.reportId);
    } catch (e) {
      s.failed++;
      const err = e as NodeJS.ErrnoException;
      hooks.onError?.(file, err.code === 'ENOENT' ? 'no such file' : (err.message ?? String(e)).split('\n')[0]!);
    }
  }
  hooks.onFile?.(files.length, files.length, '');
  Object.assign(s, await recheck(store, touched, now()));
  return s;
}
