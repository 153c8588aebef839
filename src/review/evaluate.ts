// Run every rule on a stored report's effective values and bring its review items up to date.
import { runRules } from '../rules/index.ts';
import type { ReportRecord } from '../record.ts';
import type { ReportRow, Store } from '../store/store.ts';
import { effectiveRecord } from './effective.ts';
import { syncItems, toStored, type SyncResult } from './queue.ts';

async function neighbour(store: Store, report: ReportRow, yearDelta: number): Promise<ReportRecord | null> {
  if (!report.agency || report.report_year === null) return null;
  const other = await store.report(
    `${report.agency.normalize('NFKC').replace(/\s+/g, '')}|${report.report_year + yearDelta}`,
  );
  return other ? effectiveRecord(store, other) : null;
}

async function childrenOf(store: Store, report: ReportRow): Promise<ReportRecord[]> {
  if (!report.agency || report.report_year === null) return [];
  const out: ReportRecord[] = [];
  for (const agency of await store.children(report.agency, report.report_year)) {
    const r = await store.report(`${agency}|${report.report_year}`);
    const rec = r ? await effectiveRecord(store, r) : null;
    if (!rec) return []; // R-1 needs every subordinate report
    out.push(rec);
  }
  return out;
}

/**
 * Run the rules on a report and sync its review items. One evaluation of a report at a time across
 * the store's processes: two at once would both read the items and both add or resolve them.
 */
export function evaluateReport(store: Store, reportId: number, at: string): Promise<SyncResult> {
  return store.exclusive(`report:${reportId}`, () => evaluate(store, reportId, at));
}

async function evaluate(store: Store, reportId: number, at: string): Promise<SyncResult> {
  const report = await store.report(reportId);
  if (report && report.current_run_id === null) {
    // A report whose copies joined another: nothing of it stands any more.
    return store.transaction(async (trx) => {
      await store.replaceFindings(trx, report.id, 0, []);
      return syncItems(trx, store, report, [], at);
    });
  }
  const record = report ? await effectiveRecord(store, report) : null;
  if (!report || !record || report.current_run_id === null) return { opened: 0, reopened: 0, resolved: 0 };
  const copies = (await store.liveCopies(store.db, report.id))
    .filter((c) => c.runId !== report.current_run_id)
    .map((c) => c.record);
  const findings =
    record.report.kind === 'ogi_annual_report'
      ? runRules({
          record,
          previous: await neighbour(store, report, -1),
          children: await childrenOf(store, report),
          copies,
        })
      : [];
  const stored = findings.map((f) => toStored(f, record, report.report_key));
  const runId = report.current_run_id;
  return store.transaction(async (trx) => {
    await store.replaceFindings(trx, report.id, runId, stored);
    return syncItems(trx, store, report, stored, at);
  });
}
