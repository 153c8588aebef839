// The storage interface and its kysely implementation (SQLite by default; the queries are plain
// enough for a Postgres dialect to take later). Every write that belongs together is one transaction.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Transaction } from 'kysely';
import type { Cell, ReportRecord } from '../record.ts';
import { InlineMigrations, type Dialect } from './migrations.ts';
import type { Database, ReviewItemsTable, CorrectionsTable } from './schema.ts';
import type { Selectable } from 'kysely';

export type ReportRow = Selectable<Database['reports']>;
export type ReviewItemRow = Selectable<ReviewItemsTable>;
export type CorrectionRow = Selectable<CorrectionsTable>;
export type ReviewEventRow = Selectable<Database['review_events']>;

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

/** A report key groups the documents of one body's report for one year. */
export function reportKey(record: ReportRecord): string {
  const agency = record.report.agency?.normalize('NFKC').replace(/\s+/g, '');
  const year = record.report.report_year;
  return agency && year && record.report.kind !== 'not_a_report' ? `${agency}|${year}` : `sha:${record.source.sha256}`;
}

export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
  ) {}

  static async openSqlite(file: string = DEFAULT_DB): Promise<Store> {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const store = new Store(new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), 'sqlite');
    await store.migrate();
    return store;
  }

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
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  // ------------------------------------------------------------------ documents and runs

  /** Content-addressed: bytes already stored are never overwritten. Returns whether they were new. */
  async putDocument(
    trx: Transaction<Database>,
    d: { sha256: string; media: string; bytes: Uint8Array; location: string; at: string },
  ): Promise<boolean> {
    const res = await trx
      .insertInto('documents')
      .values({ sha256: d.sha256, media: d.media, size: d.bytes.length, bytes: d.bytes, first_seen_at: d.at })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .executeTakeFirst();
    await trx
      .insertInto('sightings')
      .values({ sha256: d.sha256, location: d.location, seen_at: d.at })
      .onConflict((oc) => oc.columns(['sha256', 'location']).doNothing())
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

  /** Store an extraction run and its cells; the run becomes its report's current one. */
  async saveRun(
    trx: Transaction<Database>,
    record: ReportRecord,
    parserVersion: string,
    at: string,
  ): Promise<{ runId: number; reportId: number }> {
    const key = reportKey(record);
    const r = record.report;
    let report = await trx.selectFrom('reports').select('id').where('report_key', '=', key).executeTakeFirst();
    if (!report) {
      report = await trx
        .insertInto('reports')
        .values({
          report_key: key,
          agency: r.agency,
          report_year: r.report_year,
          kind: r.kind,
          title: r.title,
          scope: r.scope,
          current_run_id: null,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    }
    const run = await trx
      .insertInto('runs')
      .values({
        sha256: record.source.sha256,
        parser_version: parserVersion,
        report_id: report.id,
        record_json: JSON.stringify(record),
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
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
    // The most complete reading is current: a report page without tables must not replace the
    // attachment that holds them; among equally complete readings the newest wins.
    const current = await trx
      .selectFrom('reports')
      .innerJoin('runs', 'runs.id', 'reports.current_run_id')
      .select((eb) =>
        eb
          .selectFrom('cells')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('cells.run_id', '=', 'runs.id')
          .as('cells'),
      )
      .where('reports.id', '=', report.id)
      .executeTakeFirst();
    if (!current || Number(current.cells ?? 0) <= record.cells.length) {
      await trx
        .updateTable('reports')
        .set({
          current_run_id: run.id,
          agency: r.agency,
          report_year: r.report_year,
          kind: r.kind,
          title: r.title,
          scope: r.scope,
          updated_at: at,
        })
        .where('id', '=', report.id)
        .execute();
    }
    return { runId: run.id, reportId: report.id };
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
    return trx.selectFrom('review_items').selectAll().where('report_id', '=', reportId).execute();
  }

  async item(id: number): Promise<ReviewItemRow | null> {
    return (await this.db.selectFrom('review_items').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async events(itemId: number): Promise<ReviewEventRow[]> {
    return this.db.selectFrom('review_events').selectAll().where('item_id', '=', itemId).orderBy('id').execute();
  }

  async listItems(f: ReviewFilter): Promise<ReviewItemRow[]> {
    let q = this.db.selectFrom('review_items').selectAll();
    const status = f.status ?? 'open';
    if (status !== 'all') q = q.where('status', '=', status);
    if (f.rule) q = q.where('rule', '=', f.rule);
    if (f.agency) q = q.where('agency', '=', f.agency);
    if (f.year !== undefined) q = q.where('report_year', '=', f.year);
    return q
      .orderBy('id')
      .limit(f.limit ?? 100_000)
      .execute();
  }

  /** Findings of a report that a cell takes part in, for exports. */
  async openItemsByReport(): Promise<Map<number, ReviewItemRow[]>> {
    const rows = await this.db.selectFrom('review_items').selectAll().where('status', '=', 'open').execute();
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

  async children(parent: string): Promise<string[]> {
    return (await this.db.selectFrom('bodies').select('agency').where('parent', '=', parent).execute()).map(
      (r) => r.agency,
    );
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
}

export type { Cell };
