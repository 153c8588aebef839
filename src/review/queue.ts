// The review queue: findings → review items with stable fingerprints; decisions that survive
// re-runs while the evidence is unchanged; reopening (with history) when it changes.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Finding, ReportRecord } from '../record.ts';
import { indexCells } from '../rules/cells.ts';
import type { Database } from '../store/schema.ts';
import type { ReviewItemRow, Store, StoredFinding } from '../store/store.ts';

export const DECISIONS = ['publisher-error', 'extraction-error', 'false-alarm'] as const;
export type Decision = (typeof DECISIONS)[number];

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** Every fail, and every not-assessable HARD finding, needs a person. */
export const needsReview = (f: Finding): boolean =>
  f.status === 'fail' || (f.status === 'not_assessable' && f.level === 'hard');

/** Rule + report + cells: stable across re-runs, parser versions and corrections. */
export function fingerprint(f: Finding, reportKey: string): string {
  const cells = f.cells
    .map((c) => c.join('/'))
    .sort()
    .join(',');
  // Findings without cells (metadata, sameness) are told apart by their message without numbers.
  const what = cells || f.message.replace(/\d+(?:\.\d+)?/g, '#');
  return sha1(`${f.rule}|${reportKey}|${what}`).slice(0, 20);
}

/** Rules whose message carries part of the evidence (a reason, the other copies' values). */
const MESSAGE_IS_EVIDENCE = new Set(['E-TABLE', 'X-COPY']);

/**
 * The values a finding rests on: the rule, its sums, each involved cell as printed and as used.
 * Not the document's hash: bytes that change outside the cells (a visit counter, a timestamp) must
 * not reopen a decision. Findings without cells (and E-TABLE, X-COPY) rest on their message too.
 */
export function evidence(f: Finding, record: ReportRecord): { json: string; hash: string } {
  const ix = indexCells(record);
  const cells = f.cells.map(([t, r, c]) => {
    const cell = ix.get(`${t}|${r}|${c}`);
    return {
      cell: `${t}/${r}/${c}`,
      raw: cell?.raw ?? null,
      value: cell?.value ?? null,
      corrected: cell?.corrected?.correction_id ?? null,
    };
  });
  const json = JSON.stringify({
    rule: f.rule,
    status: f.status,
    left: f.left,
    right: f.right,
    cells,
    ...(!f.cells.length || MESSAGE_IS_EVIDENCE.has(f.rule) ? { message: f.message } : {}),
  });
  return { json, hash: sha1(json).slice(0, 20) };
}

export function toStored(f: Finding, record: ReportRecord, reportKey: string): StoredFinding {
  const ev = evidence(f, record);
  return {
    fingerprint: fingerprint(f, reportKey),
    rule: f.rule,
    level: f.level,
    status: f.status,
    blame: f.blame,
    message: f.message,
    cells_json: JSON.stringify(f.cells),
    evidence_json: JSON.stringify({ finding: f, evidence: JSON.parse(ev.json) }),
    evidence_hash: ev.hash,
  };
}

/** The table of a finding's first cell (the queue groups one rule on one table of one report). */
const tableOf = (f: StoredFinding): string | null => (JSON.parse(f.cells_json) as string[][])[0]?.[0] ?? null;

export interface SyncResult {
  opened: number;
  reopened: number;
  resolved: number;
}

/**
 * Bring a report's review items in line with its current findings: new failures open items, a
 * decided item stays decided while its evidence is unchanged and reopens (history kept) when it is
 * not, and items whose finding no longer fails are marked resolved.
 */
export async function syncItems(
  trx: Transaction<Database>,
  store: Store,
  report: { id: number; agency: string | null; report_year: number | null },
  findings: StoredFinding[],
  at: string,
): Promise<SyncResult> {
  const res: SyncResult = { opened: 0, reopened: 0, resolved: 0 };
  const existing = new Map((await store.itemsOfReport(trx, report.id)).map((i) => [i.fingerprint, i]));
  const seen = new Set<string>();
  const event = (
    item_id: number,
    ev: string,
    extra: { decision?: string | null; note?: string | null; evidence_json?: string | null } = {},
  ) =>
    trx
      .insertInto('review_events')
      .values({
        item_id,
        at,
        event: ev,
        who: 'nianbao',
        decision: extra.decision ?? null,
        note: extra.note ?? null,
        evidence_json: extra.evidence_json ?? null,
      })
      .execute();

  for (const f of findings) {
    if (!needsReview({ status: f.status, level: f.level } as Finding) || seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    const item = existing.get(f.fingerprint);
    if (!item) {
      const row = await trx
        .insertInto('review_items')
        .values({
          fingerprint: f.fingerprint,
          report_id: report.id,
          rule: f.rule,
          level: f.level,
          status: 'open',
          decision: null,
          evidence_hash: f.evidence_hash,
          finding_json: f.evidence_json,
          agency: report.agency,
          report_year: report.report_year,
          blame: f.blame,
          tbl: tableOf(f),
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await event(row.id, 'opened', { evidence_json: f.evidence_json });
      res.opened++;
      continue;
    }
    if (item.status === 'resolved' || item.evidence_hash !== f.evidence_hash) {
      const why =
        item.status === 'resolved'
          ? 'the finding fails again'
          : "the evidence changed (the finding's cells read differently, or a correction)";
      await trx
        .updateTable('review_items')
        .set({
          status: 'open',
          decision: null,
          evidence_hash: f.evidence_hash,
          finding_json: f.evidence_json,
          blame: f.blame,
          tbl: tableOf(f),
          updated_at: at,
        })
        .where('id', '=', item.id)
        .execute();
      await event(item.id, 'reopened', { note: why, decision: item.decision, evidence_json: f.evidence_json });
      res.reopened++;
    }
  }
  for (const item of existing.values()) {
    if (seen.has(item.fingerprint) || item.status === 'resolved') continue;
    await trx
      .updateTable('review_items')
      .set({ status: 'resolved', updated_at: at })
      .where('id', '=', item.id)
      .execute();
    await event(item.id, 'resolved', { note: 'the finding no longer fails', decision: item.decision });
    res.resolved++;
  }
  return res;
}

/** Decide one item (a resolved item cannot be decided). The review service adds the staleness check. */
export async function decide(
  store: Store,
  id: number,
  decision: Decision,
  note: string | null,
  who: string,
  at: string,
): Promise<ReviewItemRow> {
  const [item] = await store.decideItems([id], { decision, note, who, at }, (i) => {
    if (i.status === 'resolved')
      throw new Error(`item ${i.id} is resolved (its finding no longer fails): nothing to decide`);
  });
  return item!;
}
