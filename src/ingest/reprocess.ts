// Re-extraction: read stored documents again with the current parser, without fetching. Each
// document's new run commits on its own and the rules run on what changed; decisions survive by
// evidence (review/evaluate). Killed midway, a re-run picks up the documents still without a run of
// this parser version and checks the reports whose rules had not run yet.
import { parserVersion as currentParserVersion } from '../../parsers/index.ts';
import type { Store } from '../store/store.ts';
import { ingestBytes, recheck } from './ingest.ts';

export interface ReprocessOptions {
  /** Only documents whose latest reading is by a parser version first used before this one. */
  olderThan?: string;
  agency?: string;
  year?: number;
  /** The version to read with (default: the current code's). */
  parserVersion?: string;
  now?: () => string;
  onDocument?: (done: number, total: number, what: string) => void;
  onError?: (sha256: string, reason: string) => void;
}

export interface ReprocessSummary {
  parserVersion: string;
  documents: number;
  reread: number;
  failed: number;
  reports: number;
  opened: number;
  reopened: number;
  resolved: number;
}

export async function reprocess(store: Store, o: ReprocessOptions = {}): Promise<ReprocessSummary> {
  const version = o.parserVersion ?? currentParserVersion();
  const now = o.now ?? (() => new Date().toISOString());
  const all = await store.documentRuns();
  // Parser versions in the order they were first used (run ids grow), for --older-than.
  const firstUse = new Map<string, number>();
  for (const d of all)
    for (const r of d.runs)
      if (!firstUse.has(r.parser_version) || r.id < firstUse.get(r.parser_version)!)
        firstUse.set(r.parser_version, r.id);
  if (o.olderThan !== undefined && !firstUse.has(o.olderThan))
    throw new Error(
      `--older-than ${o.olderThan}: no run of this parser version in the store (known: ${[...firstUse.keys()].join(', ') || 'none'})`,
    );
  const due = all.filter((d) => {
    if (d.runs.some((r) => r.parser_version === version)) return false;
    const latest = d.runs.at(-1);
    if (o.olderThan !== undefined && (!latest || firstUse.get(latest.parser_version)! >= firstUse.get(o.olderThan)!))
      return false;
    if (o.agency !== undefined && !d.runs.some((r) => r.agency === o.agency)) return false;
    if (o.year !== undefined && !d.runs.some((r) => r.report_year === o.year)) return false;
    return true;
  });
  const touched = new Set(await store.uncheckedReports());
  const s: ReprocessSummary = {
    parserVersion: version,
    documents: due.length,
    reread: 0,
    failed: 0,
    reports: 0,
    opened: 0,
    reopened: 0,
    resolved: 0,
  };
  for (const [i, d] of due.entries()) {
    o.onDocument?.(i, due.length, d.location ?? d.sha256);
    try {
      const bytes = await store.documentBytes(d.sha256);
      if (!bytes) throw new Error('bytes missing from the store');
      const loc = d.location ?? d.sha256;
      const res = await ingestBytes(
        store,
        bytes,
        { location: loc, url: /^https?:\/\//i.test(loc) ? loc : null },
        now(),
        version,
      );
      if (res.reportId !== null) touched.add(res.reportId);
      s.reread++;
    } catch (e) {
      s.failed++;
      o.onError?.(d.sha256, (e as Error).message.split('\n')[0]!);
    }
  }
  o.onDocument?.(due.length, due.length, '');
  Object.assign(s, await recheck(store, touched, now()));
  return s;
}
