// The review service: one layer that the CLI (`nianbao review …`) and the web desk (`nianbao serve`)
// both call. List, show, decide (checked against the evidence the reviewer saw), correct (validated,
// then the rules re-run), report view, coverage. No SQL here: everything goes through the Store.
import { columnKind, TABLE3_COLS, TABLE4_COLS, TEMPLATES, type ValueKind } from '../../parsers/index.ts';
import { computeCoverage, type CoverageFilter, type CoverageRow } from '../coverage/coverage.ts';
import { TABLES, type Cell, type Finding, type ReportRecord, type TableId } from '../record.ts';
import type { QueueFilter, ReportRow, ReviewEventRow, ReviewItemRow, Store } from '../store/store.ts';
import { effectiveRecord } from './effective.ts';
import { DECISIONS, type Decision } from './queue.ts';
import { writeQueueFile } from './queue-file.ts';
import { cellName, displayMessage, sourceText, tableGrid, type TableGrid } from './table-view.ts';

/** A refusal the user can act on (a CLI prints it as one line, the web shows it on the page). */
export class ReviewError extends Error {
  constructor(
    message: string,
    /** 'not_found' | 'conflict' (changed since seen, resolved) | 'invalid' */
    readonly code: 'not_found' | 'conflict' | 'invalid',
  ) {
    super(message);
  }
}

export const findingOf = (i: ReviewItemRow): Finding => (JSON.parse(i.finding_json) as { finding: Finding }).finding;

/**
 * An item's version: changes when its evidence changes (reopened by new bytes, a new reading, a
 * correction) and whenever it is decided, reopened or resolved. A decision names the version the
 * reviewer saw; a different one means the page is stale.
 */
export const itemVersion = (i: Pick<ReviewItemRow, 'evidence_hash' | 'updated_at' | 'status'>): string =>
  `${i.evidence_hash}.${i.status}.${i.updated_at}`;

/** What `review list --json` prints per item (and /api/items). */
export function itemJson(i: ReviewItemRow) {
  return {
    id: i.id,
    status: i.status,
    decision: i.decision,
    rule: i.rule,
    level: i.level,
    report_id: i.report_id,
    agency: i.agency,
    report_year: i.report_year,
    updated_at: i.updated_at,
    finding: findingOf(i),
  };
}

export interface QueueEntry extends ReturnType<typeof itemJson> {
  blame: string | null;
  table: string | null;
  version: string;
  /** the finding's message with printed names instead of canonical keys */
  message: string;
  /** one rule on one table of one report */
  group: string;
}

export interface QueueGroup {
  key: string;
  rule: string;
  report_id: number;
  table: string | null;
  items: QueueEntry[];
}

export interface QueuePage {
  items: QueueEntry[];
  groups: QueueGroup[];
  total: number;
  byRule: Array<{ rule: string; n: number }>;
  offset: number;
  limit: number;
}

export interface ItemView {
  item: Omit<ReviewItemRow, 'finding_json'> & { finding_json?: undefined };
  version: string;
  finding: Finding;
  message: string;
  report: ReportRecord['report'] | undefined;
  source: ReportRecord['source'] | undefined;
  reportRow: ReportRow | null;
  /** the involved cells, as the effective record holds them */
  cells: Cell[];
  involved: Array<{ ref: [TableId, string, string]; name: string; cell: Cell | null; where: string }>;
  tables: TableGrid[];
  history: ReviewEventRow[];
}

/** The cells a template prints per table: `table|row|col`. */
function templateKeys(version: string | null, table: TableId): Set<string> {
  const out = new Set<string>();
  for (const t of TEMPLATES.filter((x) => !version || x.version === version))
    for (const r of t[table].rows) {
      const cols = table === 'table3' ? [...TABLE3_COLS, 'legal.subtotal'] : (r.cols ?? TABLE4_COLS);
      for (const c of cols) out.add(`${table}|${r.key}|${c}`);
    }
  return out;
}

/**
 * Parse a corrected value for a cell of this kind (the column's kind in the templates), or say why not:
 * counts are non-negative integers, signed counts integers, amounts non-negative decimals.
 */
export function parseCorrectionValue(raw: string, kind: ValueKind): number {
  const s = raw.normalize('NFKC').trim().replace(/,/g, '');
  if (!/^[-+]?\d+(\.\d+)?$/.test(s)) throw new ReviewError(`not a number: ${JSON.stringify(raw)}`, 'invalid');
  const v = Number(s);
  if (!Number.isFinite(v)) throw new ReviewError(`not a number: ${JSON.stringify(raw)}`, 'invalid');
  if (kind !== 'amount' && !Number.isInteger(v))
    throw new ReviewError(`${raw} is not a whole number (this cell is a count)`, 'invalid');
  if (kind !== 'signed_count' && v < 0)
    throw new ReviewError(
      `${raw} is negative (this cell is ${kind === 'amount' ? 'an amount' : 'a count'})`,
      'invalid',
    );
  return v;
}

export class ReviewService {
  constructor(
    readonly store: Store,
    /** the queue file beside the store, rewritten after every decision and correction */
    private readonly queueFile: string | null = null,
  ) {}

  private async afterWrite(): Promise<void> {
    if (this.queueFile) await writeQueueFile(this.store, this.queueFile);
  }

  /** Every item of a filter, by id (what `review list` prints). */
  async list(f: QueueFilter): Promise<ReviewItemRow[]> {
    return this.store.listItems(f);
  }

  /** One page of the queue sorted by need, with counts per rule and the page's groups. */
  async queue(f: QueueFilter, page: { offset?: number; limit?: number } = {}): Promise<QueuePage> {
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.min(500, Math.max(1, page.limit ?? 50));
    const res = await this.store.queuePage(f, { offset, limit });
    const items: QueueEntry[] = res.items.map((i) => {
      const base = itemJson(i);
      const table = i.tbl ?? base.finding.cells[0]?.[0] ?? null;
      return {
        ...base,
        blame: i.blame ?? base.finding.blame ?? null,
        table,
        version: itemVersion(i),
        message: displayMessage(base.finding),
        group: `${i.report_id}|${i.rule}|${table ?? ''}`,
      };
    });
    const groups = new Map<string, QueueGroup>();
    for (const it of items) {
      let g = groups.get(it.group);
      if (!g) {
        g = { key: it.group, rule: it.rule, report_id: it.report_id, table: it.table, items: [] };
        groups.set(it.group, g);
      }
      g.items.push(it);
    }
    return { items, groups: [...groups.values()], total: res.total, byRule: res.byRule, offset, limit };
  }

  async show(id: number): Promise<ItemView> {
    const item = await this.store.item(id);
    if (!item) throw new ReviewError(`no review item ${id}`, 'not_found');
    const reportRow = await this.store.report(item.report_id);
    const record = reportRow ? await effectiveRecord(this.store, reportRow) : null;
    const f = findingOf(item);
    const involvedKeys = new Set(f.cells.map(([t, r, c]) => `${t}|${r}|${c}`));
    const ix = new Map((record?.cells ?? []).map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
    const version = (t: TableId) => record?.report.format_version[t] ?? null;
    return {
      item: { ...item, finding_json: undefined },
      version: itemVersion(item),
      finding: f,
      message: displayMessage(f, f.cells[0] ? version(f.cells[0][0]) : null),
      report: record?.report,
      source: record?.source,
      reportRow,
      cells: (record?.cells ?? []).filter((c) => involvedKeys.has(`${c.table}|${c.row}|${c.col}`)),
      involved: f.cells.map(([t, r, c]) => {
        const cell = ix.get(`${t}|${r}|${c}`) ?? null;
        return {
          ref: [t, r, c] as [TableId, string, string],
          name: cellName(version(t), t, r, c),
          cell,
          where: cell ? sourceText(cell) : 'not in the document',
        };
      }),
      tables: record ? [...new Set(f.cells.map((c) => c[0]))].map((t) => tableGrid(record, t, involvedKeys)) : [],
      history: await this.store.events(id),
    };
  }

  /** What `review show --json` prints (and /api/items/ID). */
  static showJson(v: ItemView) {
    return {
      item: v.item,
      version: v.version,
      finding: v.finding,
      report: v.report,
      source: v.source,
      cells: v.cells,
      history: v.history,
    };
  }

  /**
   * Decide items. With `expected` (the version each item had when the reviewer saw it) an item that
   * changed meanwhile — reopened by new evidence, decided by someone else, resolved — is refused, and
   * nothing of the group is decided. A resolved item is never decided.
   */
  async decide(
    items: Array<{ id: number; expected?: string | null }>,
    d: { as: string; note?: string | null; who: string; at?: string },
  ): Promise<ReviewItemRow[]> {
    if (!DECISIONS.includes(d.as as Decision))
      throw new ReviewError(`--as must be one of ${DECISIONS.join(', ')}`, 'invalid');
    if (!items.length) throw new ReviewError('no items to decide', 'invalid');
    const expected = new Map(items.map((i) => [i.id, i.expected ?? null]));
    const out = await this.store.decideItems(
      items.map((i) => i.id),
      { decision: d.as, note: d.note?.trim() || null, who: d.who, at: d.at ?? new Date().toISOString() },
      (item) => {
        if (item.status === 'resolved')
          throw new ReviewError(
            `item ${item.id} is resolved (its finding no longer fails): nothing to decide`,
            'conflict',
          );
        const want = expected.get(item.id);
        if (want && want !== itemVersion(item))
          throw new ReviewError(
            `item ${item.id} changed since it was shown (now ${item.status}${item.decision ? `: ${item.decision}` : ''}); reload it and decide again`,
            'conflict',
          );
      },
    );
    await this.afterWrite();
    return out;
  }

  /**
   * An audited override of one cell, validated against the cell's kind and the report's format,
   * then the rules re-run for the report and the next year's.
   */
  async correct(
    reportArg: string | number,
    ref: { table: string; row: string; col: string },
    valueArg: string,
    c: { note: string; who: string; at?: string },
  ) {
    const { table, row, col } = ref;
    if (!(TABLES as readonly string[]).includes(table))
      throw new ReviewError(`unknown table ${table} (table2, table3 or table4)`, 'invalid');
    const t = table as TableId;
    if (!templateKeys(null, t).has(`${t}|${row}|${col}`))
      throw new ReviewError(`unknown cell ${table}/${row}/${col} (use the canonical keys of the spec)`, 'invalid');
    const value = parseCorrectionValue(valueArg, columnKind(t, col));
    if (!c.note?.trim()) throw new ReviewError('--note is required: say why', 'invalid');
    const report = await this.store.report(
      typeof reportArg === 'number' ? reportArg : /^\d+$/.test(reportArg) ? Number(reportArg) : reportArg,
    );
    if (!report) throw new ReviewError(`no report ${reportArg} (give its id or key "agency|year")`, 'not_found');
    if (report.report_key.startsWith('sha:'))
      throw new ReviewError(
        `report #${report.id} has no key (agency or year unknown): its cells cannot be corrected`,
        'invalid',
      );
    if (report.kind !== 'ogi_annual_report')
      throw new ReviewError(
        `report #${report.id} is a ${report.kind === 'pre2019_report' ? 'pre-2019 report' : report.kind}: it has no statistical tables to correct`,
        'invalid',
      );
    const record = await effectiveRecord(this.store, report);
    // A table read in one format takes that format's keys; a table missing from the report takes
    // either format's (the correction supplies what the extractor could not read).
    const version = record?.report.format_version[t] ?? null;
    if (version && !templateKeys(version, t).has(`${t}|${row}|${col}`))
      throw new ReviewError(
        `report #${report.id} prints ${table} in the ${version} format, which has no cell ${row}/${col}`,
        'invalid',
      );
    const old = record?.cells.find((x) => x.table === t && x.row === row && x.col === col);
    const at = c.at ?? new Date().toISOString();
    const correctionId = await this.store.addCorrection({
      report_id: report.id,
      tbl: t,
      row_key: row,
      col_key: col,
      old_value: old?.value ?? null,
      old_raw: old?.raw ?? null,
      new_value: value,
      note: c.note.trim(),
      who: c.who,
      at,
    });
    const { recheck } = await import('../ingest/ingest.ts'); // loads the rules and the extractor
    const sync = await recheck(this.store, [report.id], at);
    await this.afterWrite();
    return { report, correctionId, old: old ?? null, value, sync };
  }

  /** Everything about one report: metadata, identity, tables, findings, copies, runs, corrections. */
  async report(id: number) {
    const report = await this.store.report(id);
    if (!report) throw new ReviewError(`no report ${id}`, 'not_found');
    const record = await effectiveRecord(this.store, report);
    const reportItems = (await this.store.queuePage({ status: 'all', reportId: id }, { offset: 0, limit: 10_000 }))
      .items;
    return {
      report,
      record,
      tables: record ? TABLES.map((t) => tableGrid(record, t, new Set())) : [],
      items: reportItems.map((i) => ({ ...itemJson(i), message: displayMessage(findingOf(i)) })),
      copies: await this.store.reportCopies(id),
      corrections: await this.store.correctionHistory(id),
    };
  }

  async coverage(f: CoverageFilter = {}): Promise<CoverageRow[]> {
    return computeCoverage(this.store, f);
  }
}
