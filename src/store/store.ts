// The storage interface and its kysely implementation, one for SQLite (the default) and PostgreSQL:
// dialect-neutral queries only (open a store with `openStore` in open.ts). Every write that belongs
// together is one transaction.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, type Transaction } from 'kysely';
import { openSqliteDatabase, StoreSqliteDialect } from './dialects.ts';
import type { Cell, ReportRecord } from '../record.ts';
import { InlineMigrations, type Dialect } from './migrations.ts';
import { type NamedLocks, ProcessLocks } from './named-locks.ts';
import type { Database, ReviewItemsTable, CorrectionsTable } from './schema.ts';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { CompiledQuery } from 'kysely';

export type ReportRow = Selectable<Database['reports']>;
export type ReviewItemRow = Selectable<ReviewItemsTable>;
export type CorrectionRow = Selectable<CorrectionsTable>;
export type ReviewEventRow = Selectable<Database['review_events']>;
export type FrontierRow = Selectable<Database['frontier']>;
export type FrontierUpdate = Updateable<Database['frontier']>;
/** Raw SQL on one connection (pg-boss's `db` interface): a job queue's insert inside a store transaction. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}
/** A URL to add to the frontier: found by `parent` (null for a registry entry). */
export interface FrontierLink {
  url: string;
  source: string;
  kind: string;
  depth: number;
  parent: string | null;
}
/** A source's health as the coverage report takes it. */
export interface SourceHealth {
  id: string;
  agency: string;
  failing: boolean;
  error: string | null;
}

import { DEFAULT_DB } from './paths.ts';

/** A finding as stored: the record's finding plus its stable identity and evidence. */
export type StoredFinding = Omit<Selectable<Database['findings']>, 'id' | 'report_id' | 'run_id'>;

export interface ReviewFilter {
  rule?: string;
  agency?: string;
  year?: number;
  status?: 'open' | 'decided' | 'resolved' | 'all';
  limit?: number;
}

/** The review desk's filters: ReviewFilter plus level, blame, region (GB/T 2260 code prefix via bodies). */
export interface QueueFilter extends ReviewFilter {
  level?: string;
  blame?: string;
  /** a region code (e.g. 350000 or 3504): the items of bodies registered under it */
  region?: string;
  /** a part of the agency's name */
  agencyContains?: string;
  reportId?: number;
}

/** A report key groups the documents of one body's report for one year. */
export function reportKey(record: ReportRecord): string {
  const agency = record.report.agency?.normalize('NFKC').replace(/\s+/g, '');
  const year = record.report.report_year;
  return agency && year && record.report.kind !== 'not_a_report' ? `${agency}|${year}` : `sha:${record.source.sha256}`;
}

/** Where a report's agency came from, best first. */
export const AGENCY_SOURCES = ['document', 'referrer', 'copy', 'registry'] as const;
export type AgencySource = (typeof AGENCY_SOURCES)[number];

/** Who published a document and for which year, as ingest established it. */
export interface RunIdentity {
  agency: string | null;
  year: number | null;
  agencySource: AgencySource | null;
  /** The printed values' hash (copies of one report share it), null when too few to tell. */
  signature?: string | null;
}

/** A stored reading of one copy (document) of a report. */
export interface StoredCopy {
  runId: number;
  sha256: string;
  agencySource: string | null;
  record: ReportRecord;
}

const identityOfRecord = (record: ReportRecord): RunIdentity => ({
  agency: record.report.agency,
  year: record.report.report_year,
  agencySource: record.report.agency ? 'document' : null,
});

/** `agency|year` when both are known (and it is a report), else the document's own key. */
export function identityKey(identity: RunIdentity, record: ReportRecord): string {
  const agency = identity.agency?.normalize('NFKC').replace(/\s+/g, '');
  return agency && identity.year && record.report.kind !== 'not_a_report'
    ? `${agency}|${identity.year}`
    : `sha:${record.source.sha256}`;
}

/** This parser version's reading of the document was saved meanwhile (by another ingest of the same bytes). */
export class RunExistsError extends Error {
  constructor(sha256: string, parserVersion: string) {
    super(`${sha256}: already read by parser ${parserVersion}`);
  }
}

export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly locks: NamedLocks,
  ) {}

  /** An SQLite store file, created if missing (commands use `openStore`, which also takes URLs). */
  static async openSqlite(file: string = DEFAULT_DB): Promise<Store> {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return Store.open(
      new Kysely<Database>({ dialect: new StoreSqliteDialect(openSqliteDatabase(file)) }),
      'sqlite',
      ProcessLocks.forFile(file),
    );
  }

  /** A store over a connected kysely instance: brought to the latest schema, closed on failure. */
  static async open(db: Kysely<Database>, dialect: Dialect, locks: NamedLocks): Promise<Store> {
    const store = new Store(db, dialect, locks);
    try {
      await store.migrate();
    } catch (e) {
      await db.destroy();
      await locks.close();
      throw e;
    }
    return store;
  }

  /**
   * Serialised across processes: on SQLite the migrations run in one BEGIN IMMEDIATE transaction
   * (StoreSqliteDialect), on Postgres kysely holds a session advisory lock around them.
   */
  async migrate(): Promise<void> {
    // Each feature's migrations carry their own number range, so they may land in any order.
    const migrator = new Migrator({
      db: this.db,
      provider: new InlineMigrations(this.dialect),
      allowUnorderedMigrations: true,
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.locks.close();
  }

  /**
   * Run `fn` while no other process (or caller in this one) using this store runs work under the
   * same name: find-or-create steps that span several statements. Not re-entrant.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(name, fn);
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  // ------------------------------------------------------------------ documents and runs

  /** Content-addressed: bytes already stored are never overwritten. Returns whether they were new. */
  async putDocument(
    trx: Transaction<Database>,
    d: {
      sha256: string;
      media: string;
      bytes: Uint8Array;
      location: string;
      at: string;
      referrer?: string | null;
      sourceId?: string | null;
    },
  ): Promise<boolean> {
    const res = await trx
      .insertInto('documents')
      .values({ sha256: d.sha256, media: d.media, size: d.bytes.length, bytes: d.bytes, first_seen_at: d.at })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .executeTakeFirst();
    await trx
      .insertInto('sightings')
      .values({
        sha256: d.sha256,
        location: d.location,
        seen_at: d.at,
        last_seen_at: d.at,
        referrer: d.referrer ?? null,
        source_id: d.sourceId ?? null,
      })
      .onConflict((oc) => oc.columns(['sha256', 'location']).doUpdateSet({ last_seen_at: d.at }))
      .execute();
    return (res.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async documentBytes(sha256: string): Promise<Uint8Array | null> {
    const row = await this.db.selectFrom('documents').select('bytes').where('sha256', '=', sha256).executeTakeFirst();
    return row ? row.bytes : null;
  }

  async findRun(sha256: string, parserVersion: string): Promise<{ id: number; report_id: number } | null> {
    return (
      (await this.db
        .selectFrom('runs')
        .select(['id', 'report_id'])
        .where('sha256', '=', sha256)
        .where('parser_version', '=', parserVersion)
        .executeTakeFirst()) ?? null
    );
  }

  /**
   * Store an extraction run and its cells under its report (found or created by the identity's
   * key). The run becomes current only when the report has none: which copy is current is decided
   * by `electCurrent`, with the caller's ranking.
   */
  async saveRun(
    trx: Transaction<Database>,
    record: ReportRecord,
    parserVersion: string,
    at: string,
    identity: RunIdentity = identityOfRecord(record),
  ): Promise<{ runId: number; reportId: number }> {
    const key = identityKey(identity, record);
    const r = record.report;
    const find = () =>
      trx.selectFrom('reports').select(['id', 'current_run_id']).where('report_key', '=', key).executeTakeFirst();
    let report = await find();
    if (!report) {
      // Another transaction may create this report meanwhile (on Postgres nothing serialises the
      // look-up and the insert, as BEGIN IMMEDIATE does on SQLite): then it is the one.
      report = await trx
        .insertInto('reports')
        .values({
          report_key: key,
          agency: key.startsWith('sha:') ? null : identity.agency,
          report_year: key.startsWith('sha:') ? r.report_year : identity.year,
          agency_source: key.startsWith('sha:') ? null : identity.agencySource,
          kind: r.kind,
          title: r.title,
          scope: r.scope,
          current_run_id: null,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.column('report_key').doNothing())
        .returning(['id', 'current_run_id'])
        .executeTakeFirst();
      report ??= await find();
      if (!report) throw new Error(`report ${key}: neither created nor found`);
    }
    const run = await trx
      .insertInto('runs')
      .values({
        sha256: record.source.sha256,
        parser_version: parserVersion,
        report_id: report.id,
        record_json: JSON.stringify(record),
        created_at: at,
        agency_source: key.startsWith('sha:') ? null : identity.agencySource,
        copy_signature: identity.signature ?? null,
      })
      .onConflict((oc) => oc.columns(['sha256', 'parser_version']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!run) throw new RunExistsError(record.source.sha256, parserVersion);
    for (let i = 0; i < record.cells.length; i += 100) {
      await trx
        .insertInto('cells')
        .values(
          record.cells.slice(i, i + 100).map((c) => ({
            run_id: run.id,
            tbl: c.table,
            row_key: c.row,
            col_key: c.col,
            value: c.value,
            raw: c.raw,
            kind: c.kind,
            unit: c.unit,
            source_json: JSON.stringify(c.source),
          })),
        )
        .execute();
    }
    if (report.current_run_id === null) await this.setCurrentRun(trx, report.id, run.id, record, at);
    return { runId: run.id, reportId: report.id };
  }

  private async setCurrentRun(
    trx: Transaction<Database>,
    reportId: number,
    runId: number,
    record: ReportRecord,
    at: string,
  ): Promise<void> {
    const r = record.report;
    await trx
      .updateTable('reports')
      .set({ current_run_id: runId, kind: r.kind, title: r.title, scope: r.scope, updated_at: at })
      .where('id', '=', reportId)
      .execute();
  }

  /**
   * The copies of a report that count: for each document its newest run, and only documents that
   * are still served somewhere (a newer version at the same location replaces the older one).
   */
  async liveCopies(db: Transaction<Database> | Kysely<Database>, reportId: number): Promise<StoredCopy[]> {
    const runs = await db
      .selectFrom('runs')
      .select(['id', 'sha256', 'agency_source'])
      .where('report_id', '=', reportId)
      .orderBy('id')
      .execute();
    const newest = new Map<string, (typeof runs)[number]>();
    for (const r of runs) newest.set(r.sha256, r); // ordered by id: the last run of a document wins
    if (!newest.size) return [];
    const mine = await db
      .selectFrom('sightings')
      .select(['sha256', 'location'])
      .where('sha256', 'in', [...newest.keys()])
      .execute();
    const locations = [...new Set(mine.map((m) => m.location))];
    const latestAt = new Map<string, { sha256: string; at: string; id: number }>();
    for (let i = 0; i < locations.length; i += 500) {
      const rows = await db
        .selectFrom('sightings')
        .select(['sha256', 'location', 'seen_at', 'last_seen_at', 'id'])
        .where('location', 'in', locations.slice(i, i + 500))
        .execute();
      for (const s of rows) {
        const at = s.last_seen_at ?? s.seen_at;
        const cur = latestAt.get(s.location);
        if (!cur || at > cur.at || (at === cur.at && s.id > cur.id))
          latestAt.set(s.location, { sha256: s.sha256, at, id: s.id });
      }
    }
    const live = new Set(mine.filter((m) => latestAt.get(m.location)?.sha256 === m.sha256).map((m) => m.sha256));
    const keep = [...newest.values()].filter((r) => live.has(r.sha256) || !mine.some((m) => m.sha256 === r.sha256));
    if (!keep.length) return [];
    // Only the live copies' records are read: a page re-crawled weekly leaves many old versions.
    const records = new Map(
      (
        await db
          .selectFrom('runs')
          .select(['id', 'record_json'])
          .where(
            'id',
            'in',
            keep.map((r) => r.id),
          )
          .execute()
      ).map((r) => [r.id, r.record_json]),
    );
    return keep.map((r) => ({
      runId: r.id,
      sha256: r.sha256,
      agencySource: r.agency_source,
      record: JSON.parse(records.get(r.id)!) as ReportRecord,
    }));
  }

  /** Make the chosen copy current (`choose` ranks the live copies; it must not depend on their order). */
  async electCurrent(
    trx: Transaction<Database>,
    reportId: number,
    choose: (copies: StoredCopy[]) => StoredCopy | null,
    at: string,
  ): Promise<void> {
    const copies = await this.liveCopies(trx, reportId);
    const best = choose(copies);
    const report = await trx
      .selectFrom('reports')
      .select(['current_run_id', 'agency_source'])
      .where('id', '=', reportId)
      .executeTakeFirst();
    if (!report) return;
    if (!best) {
      // Every copy was replaced by a newer version elsewhere (a page that now names another year):
      // nothing of this report stands any more.
      if (report.current_run_id !== null)
        await trx
          .updateTable('reports')
          .set({ current_run_id: null, updated_at: at })
          .where('id', '=', reportId)
          .execute();
      return;
    }
    if (report.current_run_id !== best.runId) await this.setCurrentRun(trx, reportId, best.runId, best.record, at);
    // The report's agency is as good as its best-identified copy (printed beats inherited).
    const sources = copies.map((c) => c.agencySource).filter((x): x is string => !!x);
    const source = AGENCY_SOURCES.find((s) => sources.includes(s)) ?? null;
    if (source && source !== report.agency_source)
      await trx.updateTable('reports').set({ agency_source: source }).where('id', '=', reportId).execute();
  }

  /** The report of the document last served at a location (the page that linked to an attachment). */
  async reportSeenAt(location: string): Promise<ReportRow | null> {
    const seen =
      (await this.db
        .selectFrom('sightings')
        .select(['sha256'])
        .where('location', '=', location)
        .orderBy((eb) => eb.fn.coalesce('last_seen_at', 'seen_at'), 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst()) ??
      // The crawl's frontier knows the page by its normalised URL when it was stored under another.
      (await this.db
        .selectFrom('frontier')
        .select('sha256')
        .where('url', '=', location)
        .where('sha256', 'is not', null)
        .executeTakeFirst());
    if (!seen?.sha256) return null;
    const run = await this.db
      .selectFrom('runs')
      .select('report_id')
      .where('sha256', '=', seen.sha256)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return run ? this.report(run.report_id) : null;
  }

  /** The reports of every document ever seen at a location. */
  async reportsSeenAt(trx: Transaction<Database>, location: string): Promise<number[]> {
    const rows = await trx
      .selectFrom('runs')
      .select('report_id')
      .distinct()
      .where('sha256', 'in', (eb) => eb.selectFrom('sightings').select('sha256').where('location', '=', location))
      .orderBy('report_id')
      .execute();
    return rows.map((r) => r.report_id);
  }

  /** Identified reports (agency and year) one of whose copies printed exactly these values. */
  async reportsWithSignature(signature: string): Promise<ReportRow[]> {
    return this.db
      .selectFrom('reports')
      .selectAll()
      .where('agency_source', 'is not', null)
      .where('id', 'in', (eb) => eb.selectFrom('runs').select('report_id').where('copy_signature', '=', signature))
      .orderBy('id')
      .execute();
  }

  /**
   * Unidentified reports (no agency or year) that are copies of another: a document linked from
   * `referrer`, or one whose printed values have this signature.
   */
  async unidentifiedCopies(
    trx: Transaction<Database>,
    by: { referrer: string | null; signature: string | null },
  ): Promise<Array<{ reportId: number; how: 'referrer' | 'copy'; year: number | null }>> {
    const out = new Map<number, { reportId: number; how: 'referrer' | 'copy'; year: number | null }>();
    const base = () =>
      trx
        .selectFrom('runs')
        .innerJoin('reports', 'reports.id', 'runs.report_id')
        .select(['reports.id as id', 'reports.report_year as year'])
        .where('reports.agency_source', 'is', null)
        .where('reports.kind', '!=', 'not_a_report')
        .orderBy('reports.id');
    if (by.referrer) {
      const rows = await base()
        .where('runs.sha256', 'in', (eb) =>
          eb.selectFrom('sightings').select('sha256').where('referrer', '=', by.referrer),
        )
        .execute();
      for (const r of rows) out.set(r.id, { reportId: r.id, how: 'referrer', year: r.year });
    }
    if (by.signature) {
      const rows = await base().where('runs.copy_signature', '=', by.signature).execute();
      for (const r of rows) if (!out.has(r.id)) out.set(r.id, { reportId: r.id, how: 'copy', year: r.year });
    }
    return [...out.values()];
  }

  /** Which reports each registry source's crawl found (through the documents it saw). */
  async reportsBySource(): Promise<Map<string, Set<number>>> {
    const rows = await this.db
      .selectFrom('sightings')
      .innerJoin('runs', 'runs.sha256', 'sightings.sha256')
      .select(['sightings.source_id as source_id', 'runs.report_id as report_id'])
      .where('sightings.source_id', 'is not', null)
      .distinct()
      .execute();
    const out = new Map<string, Set<number>>();
    for (const r of rows) out.set(r.source_id!, (out.get(r.source_id!) ?? new Set()).add(r.report_id));
    return out;
  }

  /** Move every run of one report into another (a copy identified later); the emptied report keeps its history. */
  async moveRuns(
    trx: Transaction<Database>,
    from: number,
    to: number,
    agencySource: string,
    at: string,
  ): Promise<void> {
    await trx
      .updateTable('runs')
      .set({ report_id: to, agency_source: agencySource })
      .where('report_id', '=', from)
      .execute();
    await trx.updateTable('reports').set({ current_run_id: null, updated_at: at }).where('id', '=', from).execute();
  }

  // ------------------------------------------------------------------ reports

  async report(idOrKey: number | string): Promise<ReportRow | null> {
    const q = this.db.selectFrom('reports').selectAll();
    const row =
      typeof idOrKey === 'number'
        ? await q.where('id', '=', idOrKey).executeTakeFirst()
        : await q.where('report_key', '=', idOrKey).executeTakeFirst();
    return row ?? null;
  }

  async reportsOf(agency: string): Promise<ReportRow[]> {
    return this.db.selectFrom('reports').selectAll().where('agency', '=', agency).orderBy('report_year').execute();
  }

  async allReports(): Promise<ReportRow[]> {
    return this.db.selectFrom('reports').selectAll().orderBy('id').execute();
  }

  async runRecord(runId: number): Promise<ReportRecord | null> {
    const row = await this.db.selectFrom('runs').select('record_json').where('id', '=', runId).executeTakeFirst();
    return row ? (JSON.parse(row.record_json) as ReportRecord) : null;
  }

  async runsOf(
    reportId: number,
  ): Promise<Array<{ id: number; sha256: string; parser_version: string; created_at: string }>> {
    return this.db
      .selectFrom('runs')
      .select(['id', 'sha256', 'parser_version', 'created_at'])
      .where('report_id', '=', reportId)
      .orderBy('id')
      .execute();
  }

  // ------------------------------------------------------------------ corrections

  async activeCorrections(reportId: number): Promise<CorrectionRow[]> {
    return this.db
      .selectFrom('corrections')
      .selectAll()
      .where('report_id', '=', reportId)
      .where('superseded_by', 'is', null)
      .orderBy('id')
      .execute();
  }

  async addCorrection(c: Omit<CorrectionRow, 'id' | 'superseded_by'>): Promise<number> {
    return this.transaction(async (trx) => {
      const row = await trx
        .insertInto('corrections')
        .values({ ...c, superseded_by: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('corrections')
        .set({ superseded_by: row.id })
        .where('report_id', '=', c.report_id)
        .where('tbl', '=', c.tbl)
        .where('row_key', '=', c.row_key)
        .where('col_key', '=', c.col_key)
        .where('superseded_by', 'is', null)
        .where('id', '!=', row.id)
        .execute();
      return row.id;
    });
  }

  async correctionHistory(reportId: number): Promise<CorrectionRow[]> {
    return this.db.selectFrom('corrections').selectAll().where('report_id', '=', reportId).orderBy('id').execute();
  }

  // ------------------------------------------------------------------ findings and review items

  async replaceFindings(
    trx: Transaction<Database>,
    reportId: number,
    runId: number,
    findings: StoredFinding[],
  ): Promise<void> {
    await trx.deleteFrom('findings').where('report_id', '=', reportId).execute();
    for (let i = 0; i < findings.length; i += 100) {
      await trx
        .insertInto('findings')
        .values(findings.slice(i, i + 100).map((f) => ({ ...f, report_id: reportId, run_id: runId })))
        .execute();
    }
  }

  async itemsOfReport(trx: Transaction<Database> | Kysely<Database>, reportId: number): Promise<ReviewItemRow[]> {
    return trx.selectFrom('review_items').selectAll().where('report_id', '=', reportId).orderBy('id').execute();
  }

  async item(id: number): Promise<ReviewItemRow | null> {
    return (await this.db.selectFrom('review_items').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async events(itemId: number): Promise<ReviewEventRow[]> {
    return this.db.selectFrom('review_events').selectAll().where('item_id', '=', itemId).orderBy('id').execute();
  }

  async listItems(f: ReviewFilter): Promise<ReviewItemRow[]> {
    return this.itemsQuery(f).execute();
  }

  /** The query `listItems` runs (its plan is checked by the tests). */
  itemsQuery(f: ReviewFilter) {
    let q = this.db.selectFrom('review_items').selectAll();
    const status = f.status ?? 'open';
    if (status !== 'all') q = q.where('status', '=', status);
    if (f.rule) q = q.where('rule', '=', f.rule);
    if (f.agency) q = q.where('agency', '=', f.agency);
    if (f.year !== undefined) q = q.where('report_year', '=', f.year);
    return q.orderBy('id').limit(f.limit ?? 100_000);
  }

  /** Findings of a report that a cell takes part in, for exports. */
  async openItemsByReport(): Promise<Map<number, ReviewItemRow[]>> {
    // In item order: without it Postgres returns an updated row last, and the export's
    // open_findings would list a cell's findings in another order than on SQLite.
    const rows = await this.db
      .selectFrom('review_items')
      .selectAll()
      .where('status', '=', 'open')
      .orderBy('id')
      .execute();
    const out = new Map<number, ReviewItemRow[]>();
    for (const r of rows) out.set(r.report_id, [...(out.get(r.report_id) ?? []), r]);
    return out;
  }

  async upsertBody(b: {
    agency: string;
    parent: string | null;
    level: string | null;
    region_code: string | null;
  }): Promise<void> {
    await this.db
      .insertInto('bodies')
      .values(b)
      .onConflict((oc) => oc.column('agency').doUpdateSet(b))
      .execute();
  }

  // ------------------------------------------------------------------ fleet politeness

  /**
   * Claim a host for one request (or a burst) across the fleet: succeeds only if no live lease is
   * held on it and its next allowed time has come. One atomic UPDATE … RETURNING decides between
   * concurrent claimers on both dialects. On refusal, `retryAt` says when to try again.
   */
  async claimHost(
    host: string,
    holder: string,
    now: Date,
    leaseMs: number,
  ): Promise<{ claimed: true; leaseUntil: string } | { claimed: false; retryAt: string }> {
    const at = now.toISOString();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    await this.db
      .insertInto('host_lease')
      .values({ host, next_allowed_at: new Date(0).toISOString(), holder: null, lease_until: null })
      .onConflict((oc) => oc.column('host').doNothing())
      .execute();
    const won = await this.db
      .updateTable('host_lease')
      .set({ holder, lease_until: leaseUntil })
      .where('host', '=', host)
      .where('next_allowed_at', '<=', at)
      .where((eb) => eb.or([eb('holder', 'is', null), eb('lease_until', '<=', at)]))
      .returning('host')
      .executeTakeFirst();
    if (won) return { claimed: true, leaseUntil };
    const row = await this.db
      .selectFrom('host_lease')
      .select(['next_allowed_at', 'holder', 'lease_until'])
      .where('host', '=', host)
      .executeTakeFirstOrThrow();
    const busyUntil = row.holder && row.lease_until && row.lease_until > at ? row.lease_until : at;
    return { claimed: false, retryAt: [busyUntil, row.next_allowed_at].sort()[1]! }; // ISO times sort as text
  }

  /**
   * Give a host back, setting when its next request may go (now + its delay). Returns false when
   * this holder's lease had lapsed and another worker holds the host: nothing is changed then.
   */
  async releaseHost(host: string, holder: string, nextAllowedAt: Date): Promise<boolean> {
    const row = await this.db
      .updateTable('host_lease')
      .set({ holder: null, lease_until: null, next_allowed_at: nextAllowedAt.toISOString() })
      .where('host', '=', host)
      .where('holder', '=', holder)
      .returning('host')
      .executeTakeFirst();
    return !!row;
  }

  /** A host's shared delay: AutoThrottle's current value and its robots.txt Crawl-delay (ms). */
  async hostDelay(host: string): Promise<{ delayMs: number | null; crawlDelayMs: number | null }> {
    const r = await this.db
      .selectFrom('host_lease')
      .select(['delay_ms', 'crawl_delay_ms'])
      .where('host', '=', host)
      .executeTakeFirst();
    return { delayMs: r?.delay_ms ?? null, crawlDelayMs: r?.crawl_delay_ms ?? null };
  }

  /** releaseHost that also stores the host's new delay; false when the lease was no longer ours. */
  async releaseHostWithDelay(host: string, holder: string, nextAllowedAt: Date, delayMs: number): Promise<boolean> {
    const row = await this.db
      .updateTable('host_lease')
      .set({ holder: null, lease_until: null, next_allowed_at: nextAllowedAt.toISOString(), delay_ms: delayMs })
      .where('host', '=', host)
      .where('holder', '=', holder)
      .returning('host')
      .executeTakeFirst();
    return !!row;
  }

  /**
   * Record a host's robots.txt Crawl-delay (ms) for the whole fleet; its next request is not
   * allowed before `notBefore` (the end of the last response + the Crawl-delay).
   */
  async setHostCrawlDelay(host: string, ms: number, notBefore: Date): Promise<void> {
    const at = notBefore.toISOString();
    await this.db
      .insertInto('host_lease')
      .values({ host, next_allowed_at: at, holder: null, lease_until: null, crawl_delay_ms: ms })
      .onConflict((oc) => oc.column('host').doUpdateSet({ crawl_delay_ms: ms }))
      .execute();
    await this.db
      .updateTable('host_lease')
      .set({ next_allowed_at: at })
      .where('host', '=', host)
      .where('next_allowed_at', '<', at)
      .execute();
  }

  /** robots.txt of a host as fetched in this crawl run, if it was. */
  async cachedRobots(host: string, runId: number): Promise<Selectable<Database['host_robots']> | null> {
    return (
      (await this.db
        .selectFrom('host_robots')
        .selectAll()
        .where('host', '=', host)
        .where('run_id', '=', runId)
        .executeTakeFirst()) ?? null
    );
  }

  /** Keep a host's robots.txt for this run; the first stored copy wins (returned). */
  async cacheRobots(r: Selectable<Database['host_robots']>): Promise<Selectable<Database['host_robots']>> {
    await this.db
      .insertInto('host_robots')
      .values(r)
      .onConflict((oc) => oc.columns(['host', 'run_id']).doNothing())
      .execute();
    return (await this.cachedRobots(r.host, r.run_id)) ?? r;
  }

  /** Hosts whose robots.txt could not be reached in this run (5xx or network), and why. */
  async unreachableRobots(runId: number): Promise<Array<{ host: string; reason: string }>> {
    const rows = await this.db
      .selectFrom('host_robots')
      .select(['host', 'status', 'error'])
      .where('run_id', '=', runId)
      .where((eb) => eb.or([eb('status', '>=', 500), eb('status', '=', 0)]))
      .orderBy('host')
      .execute();
    return rows.map((r) => ({ host: r.host, reason: r.error ?? `HTTP ${r.status}` }));
  }

  async saveCrawlRunConfig(runId: number, sources: string, options: string): Promise<void> {
    await this.db
      .insertInto('crawl_run_config')
      .values({ run_id: runId, sources, options })
      .onConflict((oc) => oc.column('run_id').doUpdateSet({ sources, options }))
      .execute();
  }

  async crawlRunConfig(runId: number): Promise<{ sources: string; options: string } | null> {
    return (
      (await this.db
        .selectFrom('crawl_run_config')
        .select(['sources', 'options'])
        .where('run_id', '=', runId)
        .executeTakeFirst()) ?? null
    );
  }

  /** Claim a schedule tick for this scheduler: true for exactly one claimer of each tick. */
  async claimTick(tick: string, holder: string, at: string): Promise<boolean> {
    const r = await this.db
      .insertInto('schedule_ticks')
      .values({ tick, claimed_by: holder, claimed_at: at })
      .onConflict((oc) => oc.column('tick').doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Rows in the tables a crawl writes (to show that retried work added nothing twice). */
  async rowCounts(): Promise<Record<'documents' | 'runs' | 'reports' | 'findings' | 'review_items', number>> {
    const count = async (t: 'documents' | 'runs' | 'reports' | 'findings' | 'review_items') =>
      Number(
        (
          await this.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      documents: await count('documents'),
      runs: await count('runs'),
      reports: await count('reports'),
      findings: await count('findings'),
      review_items: await count('review_items'),
    };
  }

  /** Fetch-log lines of one crawl run by outcome, and how many got an HTTP answer. */
  async runOutcomes(runId: number): Promise<{ outcomes: Map<string, number>; answered: number }> {
    const rows = await this.db
      .selectFrom('fetch_log')
      .select([
        'outcome',
        (eb) => eb.fn.countAll<number | string>().as('n'),
        (eb) => eb.fn.count<number | string>('status').as('answered'),
      ])
      .where('run_id', '=', runId)
      .groupBy('outcome')
      .execute();
    return {
      outcomes: new Map(rows.map((r) => [r.outcome, Number(r.n)])),
      answered: rows.reduce((a, r) => a + Number(r.answered), 0),
    };
  }

  /**
   * The bodies a government's aggregate report covers (R-1), as the agency names their reports for
   * `year` are keyed under. From the body identities' parent links (departments of this government;
   * a department without a report that year is named by its canonical name, so R-1 sees it missing);
   * the registry's `bodies` table when the government has no identity yet.
   */
  async children(parent: string, year?: number | null): Promise<string[]> {
    const body = await this.bodyByName(parent);
    if (!body)
      return (
        await this.db.selectFrom('bodies').select('agency').where('parent', '=', parent).orderBy('agency').execute()
      ).map((r) => r.agency);
    const kids = await this.db
      .selectFrom('body_identities')
      .select(['id', 'name'])
      .where('parent_id', '=', body.id)
      .where('level', '=', 'department')
      .where('merged_into', 'is', null)
      .orderBy('id')
      .execute();
    const out: string[] = [];
    for (const k of kids) {
      const rep =
        year === undefined || year === null
          ? undefined
          : await this.db
              .selectFrom('reports')
              .select('report_key')
              .where('body_id', '=', k.id)
              .where('report_year', '=', year)
              .orderBy('id')
              .executeTakeFirst();
      out.push(rep ? rep.report_key.slice(0, rep.report_key.lastIndexOf('|')) : k.name);
    }
    return out;
  }

  // ------------------------------------------------------------------ body identities (src/bodies)

  async legacyBodies(): Promise<Array<Selectable<Database['bodies']>>> {
    return this.db.selectFrom('bodies').selectAll().orderBy('agency').execute();
  }

  async body(id: string): Promise<BodyRow | null> {
    return (await this.db.selectFrom('body_identities').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** The body a name (or alias) belongs to, following merges to the surviving body. */
  async bodyByName(name: string): Promise<BodyRow | null> {
    const alias = await this.db
      .selectFrom('body_aliases')
      .select('body_id')
      .where('name', '=', normalizeBodyName(name))
      .executeTakeFirst();
    let body = alias ? await this.body(alias.body_id) : null;
    for (let hops = 0; body?.merged_into && hops < 50; hops++) body = await this.body(body.merged_into);
    return body;
  }

  async allBodies(opts: { includeMerged?: boolean } = {}): Promise<BodyRow[]> {
    let q = this.db.selectFrom('body_identities').selectAll();
    if (!opts.includeMerged) q = q.where('merged_into', 'is', null);
    return q.orderBy('id').execute();
  }

  async insertBody(b: Omit<BodyRow, 'created_at' | 'updated_at' | 'merged_into'>, at: string): Promise<void> {
    await this.db
      .insertInto('body_identities')
      .values({ ...b, merged_into: null, created_at: at, updated_at: at })
      .execute();
  }

  async updateBody(id: string, patch: Partial<Omit<BodyRow, 'id' | 'created_at'>>, at: string): Promise<void> {
    await this.db
      .updateTable('body_identities')
      .set({ ...patch, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** Point a name at a body; an existing alias keeps its body unless `replace` (a person's decision). */
  async addBodyAlias(name: string, bodyId: string, source: string, at: string, replace = false): Promise<void> {
    const row = { name: normalizeBodyName(name), body_id: bodyId, source, created_at: at };
    await this.db
      .insertInto('body_aliases')
      .values(row)
      .onConflict((oc) =>
        replace ? oc.column('name').doUpdateSet({ body_id: bodyId, source }) : oc.column('name').doNothing(),
      )
      .execute();
  }

  async bodyAliases(bodyId: string): Promise<Array<Selectable<Database['body_aliases']>>> {
    return this.db.selectFrom('body_aliases').selectAll().where('body_id', '=', bodyId).orderBy('name').execute();
  }

  /** Merge `from` into `into`: names, reports and child links move; `from` stays, marked merged. */
  async mergeBodies(from: string, into: string, event: Omit<BodyEventRow, 'id' | 'body_id' | 'action'>): Promise<void> {
    await this.transaction(async (trx) => {
      await trx.updateTable('body_aliases').set({ body_id: into }).where('body_id', '=', from).execute();
      await trx.updateTable('reports').set({ body_id: into }).where('body_id', '=', from).execute();
      await trx.updateTable('body_identities').set({ parent_id: into }).where('parent_id', '=', from).execute();
      await trx
        .updateTable('body_identities')
        .set({ merged_into: into, updated_at: event.at })
        .where('id', '=', from)
        .execute();
      for (const id of [from, into])
        await trx
          .insertInto('body_events')
          .values({ ...event, body_id: id, action: 'merged' })
          .execute();
    });
  }

  async addBodyEvent(e: Omit<BodyEventRow, 'id'>): Promise<void> {
    await this.db.insertInto('body_events').values(e).execute();
  }

  async bodyEvents(bodyId: string): Promise<BodyEventRow[]> {
    return this.db.selectFrom('body_events').selectAll().where('body_id', '=', bodyId).orderBy('id').execute();
  }

  async linkReport(reportId: number, bodyId: string): Promise<void> {
    await this.db.updateTable('reports').set({ body_id: bodyId }).where('id', '=', reportId).execute();
  }

  /** Reports with an agency but no body yet (or all of them, to re-link after a change). */
  async reportsToLink(all = false): Promise<Array<{ id: number; agency: string; body_id: string | null }>> {
    let q = this.db
      .selectFrom('reports')
      .select(['id', 'agency', 'body_id'])
      .where('agency', 'is not', null)
      .orderBy('id');
    if (!all) q = q.where('body_id', 'is', null);
    return (await q.execute()) as Array<{ id: number; agency: string; body_id: string | null }>;
  }

  async reportsOfBody(bodyId: string): Promise<ReportRow[]> {
    return this.db
      .selectFrom('reports')
      .selectAll()
      .where('body_id', '=', bodyId)
      .orderBy('report_year')
      .orderBy('id')
      .execute();
  }

  // ------------------------------------------------------------------ data package (src/export)

  /** One page of reports in id order (the exports stream the store page by page). */
  async reportsPage(afterId: number, limit: number, f: ReportPageFilter = {}): Promise<ReportRow[]> {
    if (f.bodyIds?.length === 0) return [];
    let q = this.db.selectFrom('reports').selectAll().where('id', '>', afterId);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.since !== undefined) q = q.where('report_year', '>=', f.since);
    if (f.bodyIds) q = q.where('body_id', 'in', f.bodyIds);
    return q.orderBy('id').limit(limit).execute();
  }

  async countReports(f: ReportPageFilter = {}): Promise<number> {
    if (f.bodyIds?.length === 0) return 0;
    let q = this.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n'));
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.since !== undefined) q = q.where('report_year', '>=', f.since);
    if (f.bodyIds) q = q.where('body_id', 'in', f.bodyIds);
    return Number((await q.executeTakeFirst())?.n ?? 0);
  }

  async findingsOfReports(reportIds: number[]): Promise<Array<Selectable<Database['findings']>>> {
    if (!reportIds.length) return [];
    return this.db
      .selectFrom('findings')
      .selectAll()
      .where('report_id', 'in', reportIds)
      .orderBy('report_id')
      .orderBy('id')
      .execute();
  }

  async itemsOfReports(reportIds: number[]): Promise<ReviewItemRow[]> {
    if (!reportIds.length) return [];
    return this.db.selectFrom('review_items').selectAll().where('report_id', 'in', reportIds).orderBy('id').execute();
  }

  // ------------------------------------------------------------------ crawl: runs and frontier
  // The frontier is the single truth of a crawl: a URL is due in run R until its row carries R.

  /** The unfinished crawl run (resumed), or a new one. */
  async openCrawlRun(sources: string[], at: string): Promise<{ id: number; resumed: boolean }> {
    const open = await this.db
      .selectFrom('crawl_runs')
      .select('id')
      .where('finished_at', 'is', null)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (open) return { id: open.id, resumed: true };
    const row = await this.db
      .insertInto('crawl_runs')
      .values({ started_at: at, finished_at: null, sources: sources.join(',') })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, resumed: false };
  }

  async finishCrawlRun(runId: number, at: string): Promise<void> {
    await this.db.updateTable('crawl_runs').set({ finished_at: at }).where('id', '=', runId).execute();
  }

  /** Add URLs not yet in the frontier (one transaction); returns how many were new. */
  async enqueueUrls(links: FrontierLink[], at: string): Promise<number> {
    if (!links.length) return 0;
    return this.transaction(async (trx) => {
      let added = 0;
      for (let i = 0; i < links.length; i += 100) {
        const res = await trx
          .insertInto('frontier')
          .values(
            links.slice(i, i + 100).map((l) => ({
              url: l.url,
              host: new URL(l.url).host,
              source_id: l.source,
              kind: l.kind,
              depth: l.depth,
              parent_url: l.parent,
              state: 'pending',
              run_id: null,
              etag: null,
              last_modified: null,
              sha256: null,
              http_status: null,
              error: null,
              discovered_at: at,
              fetched_at: null,
            })),
          )
          .onConflict((oc) => oc.column('url').doNothing())
          .executeTakeFirst();
        added += Number(res.numInsertedOrUpdatedRows ?? 0n);
      }
      return added;
    });
  }

  /** Hosts with URLs still due in this run. */
  async dueHosts(runId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('frontier')
      .select('host')
      .distinct()
      .where((eb) => eb.or([eb('run_id', 'is', null), eb('run_id', '!=', runId)]))
      .orderBy('host')
      .execute();
    return rows.map((r) => r.host);
  }

  /** The next URLs of one host due in this run, shallowest first. */
  async dueUrls(runId: number, host: string, limit: number): Promise<FrontierRow[]> {
    return this.db
      .selectFrom('frontier')
      .selectAll()
      .where('host', '=', host)
      .where((eb) => eb.or([eb('run_id', 'is', null), eb('run_id', '!=', runId)]))
      .orderBy('depth')
      .orderBy('discovered_at')
      .orderBy('url')
      .limit(limit)
      .execute();
  }

  /** One URL's outcome in this run: its frontier row and a fetch-log line, in one transaction. */
  async recordOutcome(
    url: string,
    runId: number,
    set: FrontierUpdate,
    entry: Omit<Insertable<Database['fetch_log']>, 'run_id' | 'url'>,
    /**
     * More to commit in the same transaction (fleet mode: the document's extract job, so a URL is
     * done exactly when its document is in the queue; Postgres only).
     */
    also?: (sql: SqlExecutor) => Promise<void>,
  ): Promise<void> {
    await this.transaction(async (trx) => {
      await trx
        .updateTable('frontier')
        .set({ ...set, run_id: runId })
        .where('url', '=', url)
        .execute();
      await trx
        .insertInto('fetch_log')
        .values({ ...entry, run_id: runId, url })
        .execute();
      await also?.({
        executeSql: async (text, values = []) => ({
          rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[],
        }),
      });
    });
  }

  /** The entry URLs (depth 0) of these sources as they stand. */
  async frontierEntries(sourceIds: string[]): Promise<FrontierRow[]> {
    if (!sourceIds.length) return [];
    return this.db
      .selectFrom('frontier')
      .selectAll()
      .where('source_id', 'in', sourceIds)
      .where('depth', '=', 0)
      .execute();
  }

  // ------------------------------------------------------------------ crawl: source health

  async upsertSource(s: {
    id: string;
    agency: string;
    entry: string[];
    level: string | null;
    region_code: string | null;
    parent: string | null;
  }): Promise<void> {
    const values = { ...s, entry: JSON.stringify(s.entry) };
    await this.db
      .insertInto('sources')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }

  /**
   * A run's verdict on a source: failed when every entry failed (error says why). Documents found
   * counts the source's report pages and attachments that have content.
   */
  async recordSourceRun(
    id: string,
    r: { runId: number; at: string; failed: boolean; entriesFailing: number; error: string | null },
  ): Promise<void> {
    await this.transaction(async (trx) => {
      const row = await trx
        .selectFrom('sources')
        .select(['consecutive_failures', 'last_run_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return;
      const docs = await trx
        .selectFrom('frontier')
        .select((eb) => eb.fn.count<number>('sha256').distinct().as('n'))
        .where('source_id', '=', id)
        .where('kind', '!=', 'list')
        .where('sha256', 'is not', null)
        .executeTakeFirst();
      const sameRun = row.last_run_id === r.runId; // a resumed run is judged once
      await trx
        .updateTable('sources')
        .set({
          last_run_id: r.runId,
          last_run_at: r.at,
          ...(r.failed ? {} : { last_success_at: r.at }),
          consecutive_failures: r.failed ? row.consecutive_failures + (sameRun ? 0 : 1) : 0,
          entries_failing: r.entriesFailing,
          last_error: r.error,
          documents_found: Number(docs?.n ?? 0),
        })
        .where('id', '=', id)
        .execute();
    });
  }

  /** Per source: whether its last run failed and why (the shape `computeCoverage` takes). */
  async sourceHealth(): Promise<SourceHealth[]> {
    const rows = await this.db
      .selectFrom('sources')
      .select(['id', 'agency', 'consecutive_failures', 'last_error'])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      agency: r.agency,
      failing: r.consecutive_failures > 0,
      error: r.consecutive_failures > 0 ? r.last_error : null,
    }));
  }

  /** Every source's health with the report years its crawled documents yielded. */
  async sourceStatus(): Promise<Array<Selectable<Database['sources']> & { years: number[] }>> {
    const rows = await this.db.selectFrom('sources').selectAll().orderBy('id').execute();
    const years = await this.db
      .selectFrom('frontier')
      .innerJoin('runs', 'runs.sha256', 'frontier.sha256')
      .innerJoin('reports', 'reports.id', 'runs.report_id')
      .select(['frontier.source_id as source', 'reports.report_year as year'])
      .distinct()
      .where('reports.kind', '=', 'ogi_annual_report')
      .where('reports.report_year', 'is not', null)
      .execute();
    const bySource = new Map<string, Set<number>>();
    for (const y of years) {
      if (y.year === null) continue;
      const set = bySource.get(y.source) ?? new Set<number>();
      set.add(y.year);
      bySource.set(y.source, set);
    }
    return rows.map((r) => ({ ...r, years: [...(bySource.get(r.id) ?? [])].sort((a, b) => a - b) }));
  }

  // ------------------------------------------------------------------ store locks

  /**
   * Take the named advisory lock, or report who holds it. A holder on this host whose process no
   * longer exists, or one elsewhere whose heartbeat is older than `staleBefore`, is taken over (compare-and-set
   * on its heartbeat, so two takers cannot both win). Plain rows and updates: SQLite and Postgres.
   */
  async acquireLock(
    name: string,
    me: { owner: string; pid: number; hostname: string },
    at: string,
    staleBefore: string,
    isAlive: (pid: number) => boolean,
  ): Promise<{ ok: true } | { ok: false; holder: Selectable<Database['store_locks']> }> {
    const ins = await this.db
      .insertInto('store_locks')
      .values({ name, ...me, acquired_at: at, heartbeat_at: at })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if ((ins.numInsertedOrUpdatedRows ?? 0n) > 0n) return { ok: true };
    const holder = await this.db.selectFrom('store_locks').selectAll().where('name', '=', name).executeTakeFirst();
    if (!holder) return this.acquireLock(name, me, at, staleBefore, isAlive);
    // On this machine the holder's pid says whether it lives (a busy holder may miss heartbeats);
    // from elsewhere only the heartbeat can tell.
    const dead = holder.hostname === me.hostname ? !isAlive(holder.pid) : holder.heartbeat_at < staleBefore;
    if (!dead) return { ok: false, holder };
    const res = await this.db
      .updateTable('store_locks')
      .set({ ...me, acquired_at: at, heartbeat_at: at })
      .where('name', '=', name)
      .where('owner', '=', holder.owner)
      .where('heartbeat_at', '=', holder.heartbeat_at)
      .executeTakeFirst();
    return (res.numUpdatedRows ?? 0n) > 0n ? { ok: true } : { ok: false, holder };
  }

  async heartbeatLock(name: string, owner: string, at: string): Promise<boolean> {
    const res = await this.db
      .updateTable('store_locks')
      .set({ heartbeat_at: at })
      .where('name', '=', name)
      .where('owner', '=', owner)
      .executeTakeFirst();
    return (res.numUpdatedRows ?? 0n) > 0n;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    await this.db.deleteFrom('store_locks').where('name', '=', name).where('owner', '=', owner).execute();
  }

  // ------------------------------------------------------------------ re-extraction

  /** Reports whose current run's rules have not been evaluated (set by recheck). */
  async uncheckedReports(): Promise<number[]> {
    const rows = await this.db
      .selectFrom('reports')
      .select('id')
      .where('current_run_id', 'is not', null)
      .where((eb) => eb.or([eb('checked_run_id', 'is', null), eb('checked_run_id', '!=', eb.ref('current_run_id'))]))
      .execute();
    return rows.map((r) => r.id);
  }

  async markChecked(reportId: number, runId: number): Promise<void> {
    await this.db.updateTable('reports').set({ checked_run_id: runId }).where('id', '=', reportId).execute();
  }

  /**
   * Stored documents and their runs, for choosing what to re-read: each document with its runs'
   * parser versions (oldest first) and the report and record source of its latest run.
   */
  async documentRuns(): Promise<
    Array<{
      sha256: string;
      media: string;
      location: string | null;
      runs: Array<{ id: number; parser_version: string; agency: string | null; report_year: number | null }>;
    }>
  > {
    // Documents first seen at one instant (one crawl's batch) in one order on both dialects.
    const docs = await this.db
      .selectFrom('documents')
      .select(['sha256', 'media'])
      .orderBy('first_seen_at')
      .orderBy('sha256')
      .execute();
    const runs = await this.db
      .selectFrom('runs')
      .innerJoin('reports', 'reports.id', 'runs.report_id')
      .select(['runs.id', 'runs.sha256', 'runs.parser_version', 'reports.agency', 'reports.report_year'])
      .orderBy('runs.id')
      .execute();
    const sightings = await this.db.selectFrom('sightings').select(['sha256', 'location']).orderBy('id').execute();
    const where = new Map<string, string>();
    for (const s of sightings) if (!where.has(s.sha256)) where.set(s.sha256, s.location);
    const bySha = new Map<string, typeof runs>();
    for (const r of runs) bySha.set(r.sha256, [...(bySha.get(r.sha256) ?? []), r]);
    return docs.map((d) => ({
      sha256: d.sha256,
      media: d.media,
      location: where.get(d.sha256) ?? null,
      runs: (bySha.get(d.sha256) ?? []).map((r) => ({
        id: r.id,
        parser_version: r.parser_version,
        agency: r.agency,
        report_year: r.report_year,
      })),
    }));
  }

  // ------------------------------------------------------------------ the review desk (queue pages)

  private queueQuery(f: QueueFilter, withRule = true) {
    let q = this.db.selectFrom('review_items');
    const status = f.status ?? 'open';
    if (status !== 'all') q = q.where('status', '=', status);
    if (withRule && f.rule) q = q.where('rule', '=', f.rule);
    if (f.level) q = q.where('level', '=', f.level);
    if (f.blame) q = q.where('blame', '=', f.blame);
    if (f.agency) q = q.where('agency', '=', f.agency);
    // SQLite's LIKE ignores ASCII case; Postgres' LIKE does not, ILIKE does.
    if (f.agencyContains)
      q = q.where(
        'agency',
        this.dialect === 'postgres' ? 'ilike' : 'like',
        `%${f.agencyContains.replace(/[%_\\]/g, '')}%`,
      );
    if (f.year !== undefined) q = q.where('report_year', '=', f.year);
    if (f.reportId !== undefined) q = q.where('report_id', '=', f.reportId);
    if (f.region) {
      const prefix = f.region.replace(/0+$/, '').replace(/[^0-9]/g, '');
      q = q.where('agency', 'in', (eb) =>
        eb.selectFrom('bodies').select('agency').where('region_code', 'like', `${prefix}%`),
      );
    }
    return q;
  }

  /**
   * One page of the queue, sorted by what most needs a person: open before decided before resolved,
   * HARD before EXPECTED before PLAUSIBILITY, suspected extraction errors (a wrong number that looks
   * right) before unknown before publisher errors; then by report, rule and table so that the items
   * of one group stay together.
   */
  async queuePage(
    f: QueueFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: ReviewItemRow[]; total: number; byRule: Array<{ rule: string; n: number }> }> {
    const items = await this.queueQuery(f)
      .selectAll()
      .orderBy((eb) =>
        eb.case().when('status', '=', 'open').then(0).when('status', '=', 'decided').then(1).else(2).end(),
      )
      .orderBy((eb) =>
        eb.case().when('level', '=', 'hard').then(0).when('level', '=', 'expected').then(1).else(2).end(),
      )
      .orderBy((eb) =>
        eb.case().when('blame', '=', 'extraction').then(0).when('blame', '=', 'publisher').then(2).else(1).end(),
      )
      .orderBy('report_id')
      .orderBy('rule')
      .orderBy('tbl')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const total = await this.queueQuery(f)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const byRule = await this.queueQuery(f, false)
      .select(['rule', (eb) => eb.fn.countAll().as('n')])
      .groupBy('rule')
      .orderBy('rule')
      .execute();
    return {
      items,
      total: Number(total.n),
      byRule: byRule.map((r) => ({ rule: r.rule, n: Number(r.n) })),
    };
  }

  async itemsByIds(ids: number[]): Promise<ReviewItemRow[]> {
    if (!ids.length) return [];
    return this.db.selectFrom('review_items').selectAll().where('id', 'in', ids).orderBy('id').execute();
  }

  /**
   * Decide several items in one transaction. `check` sees each item as stored inside the transaction
   * and throws to refuse (resolved, or changed since the reviewer saw it); then nothing is decided.
   */
  async decideItems(
    ids: number[],
    d: { decision: string; note: string | null; who: string; at: string },
    check: (item: ReviewItemRow) => void,
  ): Promise<ReviewItemRow[]> {
    return this.transaction(async (trx) => {
      const out: ReviewItemRow[] = [];
      for (const id of ids) {
        const item = await trx.selectFrom('review_items').selectAll().where('id', '=', id).executeTakeFirst();
        if (!item) throw new Error(`no review item ${id}`);
        check(item);
        await trx
          .updateTable('review_items')
          .set({ status: 'decided', decision: d.decision, updated_at: d.at })
          .where('id', '=', id)
          .execute();
        await trx
          .insertInto('review_events')
          .values({
            item_id: id,
            at: d.at,
            event: 'decided',
            who: d.who,
            decision: d.decision,
            note: d.note,
            evidence_json: null,
          })
          .execute();
        out.push({ ...item, status: 'decided', decision: d.decision, updated_at: d.at });
      }
      return out;
    });
  }

  /** Every copy of a report: the documents of its runs, where each was seen, and which parser read it. */
  async reportCopies(reportId: number): Promise<
    Array<{
      run_id: number;
      sha256: string;
      parser_version: string;
      created_at: string;
      media: string;
      size: number;
      locations: string[];
    }>
  > {
    const runs = await this.db
      .selectFrom('runs')
      .innerJoin('documents', 'documents.sha256', 'runs.sha256')
      .select([
        'runs.id as run_id',
        'runs.sha256',
        'runs.parser_version',
        'runs.created_at',
        'documents.media',
        'documents.size',
      ])
      .where('runs.report_id', '=', reportId)
      .orderBy('runs.id')
      .execute();
    if (!runs.length) return [];
    const seen = await this.db
      .selectFrom('sightings')
      .select(['sha256', 'location'])
      .where('sha256', 'in', [...new Set(runs.map((r) => r.sha256))])
      .orderBy('id')
      .execute();
    return runs.map((r) => ({
      ...r,
      size: Number(r.size),
      locations: seen.filter((s) => s.sha256 === r.sha256).map((s) => s.location),
    }));
  }

  async documentMedia(sha256: string): Promise<string | null> {
    const row = await this.db.selectFrom('documents').select('media').where('sha256', '=', sha256).executeTakeFirst();
    return row?.media ?? null;
  }

  // ------------------------------------------------------------------ document failures

  /** Record that a stored document failed to read or extract (again), with its one-line reason. */
  async recordFailure(f: {
    sha256: string;
    parserVersion: string;
    location: string;
    reason: string;
    at: string;
  }): Promise<void> {
    await this.db
      .insertInto('document_failures')
      .values({
        sha256: f.sha256,
        parser_version: f.parserVersion,
        location: f.location,
        reason: f.reason,
        attempts: 1,
        first_failed_at: f.at,
        last_failed_at: f.at,
      })
      .onConflict((oc) =>
        oc.columns(['sha256', 'parser_version']).doUpdateSet((eb) => ({
          location: f.location,
          reason: f.reason,
          last_failed_at: f.at,
          attempts: eb('document_failures.attempts', '+', 1),
        })),
      )
      .execute();
  }

  /** A document that failed before now reads: its failure is history. */
  async clearFailure(trx: Transaction<Database>, sha256: string, parserVersion: string): Promise<void> {
    await trx
      .deleteFrom('document_failures')
      .where('sha256', '=', sha256)
      .where('parser_version', '=', parserVersion)
      .execute();
  }

  /** Documents that currently fail, most recent first (all parser versions unless one is given). */
  async listFailures(parserVersion?: string): Promise<Selectable<Database['document_failures']>[]> {
    let q = this.db.selectFrom('document_failures').selectAll();
    if (parserVersion) q = q.where('parser_version', '=', parserVersion);
    return q.orderBy('last_failed_at', 'desc').orderBy('id', 'desc').execute();
  }

  // ------------------------------------------------------------------ fleet crawl: hand-off and counts

  /**
   * A crawled document whose extraction failed after its URL was recorded (fleet mode): the URL is
   * pending again with the reason and no validators (the next run fetches it in full), and the run's
   * fetch log gets an `ingest_failed` line, as when the crawl ingests in-line. Once per URL and run
   * (a retried job adds nothing); false when it was already recorded.
   */
  async recordIngestFailure(url: string, runId: number, reason: string, at: string): Promise<boolean> {
    return this.transaction(async (trx) => {
      const already = await trx
        .selectFrom('fetch_log')
        .select('id')
        .where('run_id', '=', runId)
        .where('url', '=', url)
        .where('outcome', '=', 'ingest_failed')
        .executeTakeFirst();
      if (already) return false;
      await trx
        .updateTable('frontier')
        .set({ state: 'pending', error: reason, etag: null, last_modified: null, sha256: null })
        .where('url', '=', url)
        .where('run_id', '=', runId)
        .execute();
      await trx
        .insertInto('fetch_log')
        .values({
          run_id: runId,
          url,
          final_url: null,
          status: null,
          bytes: null,
          ms: null,
          attempts: null,
          etag: null,
          last_modified: null,
          outcome: 'ingest_failed',
          error: reason,
          at,
        })
        .execute();
      return true;
    });
  }

  /** Add to a crawl run's counts (every worker's, atomically; zeros are skipped). */
  async addCrawlRunCounts(runId: number, counts: Record<string, number>): Promise<void> {
    const rows = Object.entries(counts)
      .filter(([, n]) => n !== 0)
      .map(([name, n]) => ({ run_id: runId, name, n }));
    if (!rows.length) return;
    await this.db
      .insertInto('crawl_run_counts')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'name'])
          .doUpdateSet((eb) => ({ n: eb('crawl_run_counts.n', '+', eb.ref('excluded.n')) })),
      )
      .execute();
  }

  /** A crawl run's counts from every worker, by name. */
  async crawlRunCounts(runId: number): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('crawl_run_counts')
      .select(['name', 'n'])
      .where('run_id', '=', runId)
      .execute();
    return new Map(rows.map((r) => [r.name, Number(r.n)]));
  }
}

export interface ReportPageFilter {
  kind?: string;
  since?: number;
  /** Only reports linked to these bodies. */
  bodyIds?: string[];
}

export type BodyRow = Selectable<Database['body_identities']>;
export type BodyEventRow = Selectable<Database['body_events']>;

/** Names compare after NFKC with whitespace removed (as report keys do). */
export const normalizeBodyName = (name: string): string => name.normalize('NFKC').replace(/\s+/g, '');

export type { Cell };
