// The storage interface and its kysely implementation (SQLite by default; the queries are plain
// enough for a Postgres dialect to take later). Every write that belongs together is one transaction.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Transaction } from 'kysely';
import type { Cell, ReportRecord } from '../record.ts';
import { InlineMigrations, type Dialect } from './migrations.ts';
import type { Database, ReviewItemsTable, CorrectionsTable } from './schema.ts';
import type { Insertable, Selectable, Updateable } from 'kysely';

export type ReportRow = Selectable<Database['reports']>;
export type ReviewItemRow = Selectable<ReviewItemsTable>;
export type CorrectionRow = Selectable<CorrectionsTable>;
export type ReviewEventRow = Selectable<Database['review_events']>;
export type FrontierRow = Selectable<Database['frontier']>;
export type FrontierUpdate = Updateable<Database['frontier']>;
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
    const docs = await this.db.selectFrom('documents').select(['sha256', 'media']).orderBy('first_seen_at').execute();
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
}

export type { Cell };
