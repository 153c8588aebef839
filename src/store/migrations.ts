// Schema migrations, in order. Each runs once, in a transaction (kysely's Migrator).
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

function migrations(dialect: Dialect): Record<string, Migration> {
  // The two column types that differ between the embedded default and Postgres. Write every
  // migration with these and SQLite's types: on Postgres, PostgresDdlPlugin (dialects.ts) compiles
  // `id … primaryKey().autoIncrement()` to `serial primary key`, `real` to `double precision` and
  // `blob` to `bytea`, so the SQLite DDL of existing stores never changes.
  const id = dialect === 'sqlite' ? 'integer' : 'serial';
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    '0001_core': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('documents')
          .addColumn('sha256', 'text', (c) => c.primaryKey())
          .addColumn('media', 'text', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('bytes', blob, (c) => c.notNull())
          .addColumn('first_seen_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sightings')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('sha256', 'text', (c) => c.notNull().references('documents.sha256'))
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('seen_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('sightings_unique', ['sha256', 'location'])
          .execute();
        await db.schema
          .createTable('reports')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('report_key', 'text', (c) => c.notNull().unique())
          .addColumn('agency', 'text')
          .addColumn('report_year', 'integer')
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('title', 'text')
          .addColumn('scope', 'text')
          .addColumn('current_run_id', 'integer')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('reports_agency_year').on('reports').columns(['agency', 'report_year']).execute();
        await db.schema
          .createTable('runs')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('sha256', 'text', (c) => c.notNull().references('documents.sha256'))
          .addColumn('parser_version', 'text', (c) => c.notNull())
          .addColumn('report_id', 'integer', (c) => c.notNull().references('reports.id'))
          .addColumn('record_json', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('runs_unique', ['sha256', 'parser_version'])
          .execute();
        await db.schema
          .createTable('cells')
          .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id'))
          .addColumn('tbl', 'text', (c) => c.notNull())
          .addColumn('row_key', 'text', (c) => c.notNull())
          .addColumn('col_key', 'text', (c) => c.notNull())
          .addColumn('value', 'real')
          .addColumn('raw', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('unit', 'text')
          .addColumn('source_json', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('cells_pk', ['run_id', 'tbl', 'row_key', 'col_key'])
          .execute();
        await db.schema
          .createTable('findings')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('report_id', 'integer', (c) => c.notNull().references('reports.id'))
          .addColumn('run_id', 'integer', (c) => c.notNull())
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('rule', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('blame', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('cells_json', 'text', (c) => c.notNull())
          .addColumn('evidence_json', 'text', (c) => c.notNull())
          .addColumn('evidence_hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('findings_report').on('findings').column('report_id').execute();
        await db.schema
          .createTable('review_items')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
          .addColumn('report_id', 'integer', (c) => c.notNull().references('reports.id'))
          .addColumn('rule', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('decision', 'text')
          .addColumn('evidence_hash', 'text', (c) => c.notNull())
          .addColumn('finding_json', 'text', (c) => c.notNull())
          .addColumn('agency', 'text')
          .addColumn('report_year', 'integer')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('review_items_status_rule')
          .on('review_items')
          .columns(['status', 'rule'])
          .execute();
        await db.schema
          .createIndex('review_items_agency')
          .on('review_items')
          .columns(['agency', 'report_year'])
          .execute();
        await db.schema.createIndex('review_items_year').on('review_items').columns(['report_year']).execute();
        await db.schema.createIndex('review_items_report').on('review_items').column('report_id').execute();
        await db.schema
          .createTable('review_events')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('item_id', 'integer', (c) => c.notNull().references('review_items.id'))
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('who', 'text')
          .addColumn('decision', 'text')
          .addColumn('note', 'text')
          .addColumn('evidence_json', 'text')
          .execute();
        await db.schema.createIndex('review_events_item').on('review_events').column('item_id').execute();
        await db.schema
          .createTable('corrections')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('report_id', 'integer', (c) => c.notNull().references('reports.id'))
          .addColumn('tbl', 'text', (c) => c.notNull())
          .addColumn('row_key', 'text', (c) => c.notNull())
          .addColumn('col_key', 'text', (c) => c.notNull())
          .addColumn('old_value', 'real')
          .addColumn('old_raw', 'text')
          .addColumn('new_value', 'real', (c) => c.notNull())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('who', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('superseded_by', 'integer')
          .execute();
        await db.schema.createIndex('corrections_report').on('corrections').column('report_id').execute();
        await db.schema
          .createTable('bodies')
          .addColumn('agency', 'text', (c) => c.primaryKey())
          .addColumn('parent', 'text')
          .addColumn('level', 'text')
          .addColumn('region_code', 'text')
          .execute();
        await db.schema.createIndex('bodies_parent').on('bodies').column('parent').execute();
      },
    },
    '0002_crawl': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('crawl_runs')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .addColumn('sources', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('frontier')
          .addColumn('url', 'text', (c) => c.primaryKey())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('source_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('depth', 'integer', (c) => c.notNull())
          .addColumn('parent_url', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('run_id', 'integer')
          .addColumn('etag', 'text')
          .addColumn('last_modified', 'text')
          .addColumn('sha256', 'text')
          .addColumn('http_status', 'integer')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('error', 'text')
          .addColumn('discovered_at', 'text', (c) => c.notNull())
          .addColumn('fetched_at', 'text')
          .execute();
        await db.schema.createIndex('frontier_run').on('frontier').columns(['run_id', 'state']).execute();
        await db.schema
          .createTable('fetch_log')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('run_id', 'integer', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('final_url', 'text')
          .addColumn('status', 'integer')
          .addColumn('bytes', 'integer')
          .addColumn('ms', 'integer')
          .addColumn('attempts', 'integer')
          .addColumn('etag', 'text')
          .addColumn('last_modified', 'text')
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('error', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0500_body_identity': {
      // Body identity for the data package: a stable id, canonical name, aliases, level, GB/T 2260
      // region code and parent government, each inferred field with its source; audited edits.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('body_identities')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('level', 'text')
          .addColumn('level_source', 'text')
          .addColumn('admin_level', 'text')
          .addColumn('admin_level_source', 'text')
          .addColumn('region_code', 'text')
          .addColumn('region_source', 'text')
          .addColumn('parent_id', 'text')
          .addColumn('parent_source', 'text')
          .addColumn('merged_into', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('body_identities_parent').on('body_identities').column('parent_id').execute();
        await db.schema
          .createTable('body_aliases')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('body_id', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('body_aliases_body').on('body_aliases').column('body_id').execute();
        await db.schema
          .createTable('body_events')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('body_id', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('who', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('detail_json', 'text', (c) => c.notNull())
          .addColumn('note', 'text')
          .execute();
        await db.schema.createIndex('body_events_body').on('body_events').column('body_id').execute();
        await db.schema.alterTable('reports').addColumn('body_id', 'text').execute();
        await db.schema.createIndex('reports_body').on('reports').column('body_id').execute();
      },
    },
    '0250_copies': {
      // One report per agency and year whatever the copy: where the agency came from, the crawl
      // context of each sighting (the page that linked to it, the registry source), when a location
      // last served a document (a newer version at the same URL replaces the older), and each
      // run's identity and content signature (copies of one report print the same values).
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('reports').addColumn('agency_source', 'text').execute();
        await db.schema.alterTable('sightings').addColumn('referrer', 'text').execute();
        await db.schema.alterTable('sightings').addColumn('source_id', 'text').execute();
        await db.schema.alterTable('sightings').addColumn('last_seen_at', 'text').execute();
        await db.schema.alterTable('runs').addColumn('agency_source', 'text').execute();
        await db.schema.alterTable('runs').addColumn('copy_signature', 'text').execute();
        await db.schema.createIndex('sightings_location').on('sightings').column('location').execute();
        await db.schema.createIndex('sightings_referrer').on('sightings').column('referrer').execute();
        await db.schema.createIndex('runs_report').on('runs').column('report_id').execute();
        await db.schema.createIndex('runs_signature').on('runs').column('copy_signature').execute();
        // Reports keyed by agency and year before this migration took the agency from their document.
        await sql`update reports set agency_source = 'document' where report_key not like 'sha:%'`.execute(db);
        await sql`update runs set agency_source = 'document' where report_id in (select id from reports where agency_source is not null)`.execute(
          db,
        );
      },
    },
    '0300_crawl_health': {
      async up(db: Kysely<unknown>) {
        // Per-source health: what the last runs of each registry source found, and why they failed.
        await db.schema
          .createTable('sources')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('agency', 'text', (c) => c.notNull())
          .addColumn('entry', 'text', (c) => c.notNull())
          .addColumn('level', 'text')
          .addColumn('region_code', 'text')
          .addColumn('parent', 'text')
          .addColumn('last_run_id', 'integer')
          .addColumn('last_run_at', 'text')
          .addColumn('last_success_at', 'text')
          .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('entries_failing', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .addColumn('documents_found', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        // Advisory locks on the store (one crawl at a time): owner, and a heartbeat so a killed
        // process's lock can be recognised as stale.
        await db.schema
          .createTable('store_locks')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('pid', 'integer', (c) => c.notNull())
          .addColumn('hostname', 'text', (c) => c.notNull())
          .addColumn('acquired_at', 'text', (c) => c.notNull())
          .addColumn('heartbeat_at', 'text', (c) => c.notNull())
          .execute();
        // The run whose rules were last evaluated: a report whose current run differs needs a recheck
        // (a crawl or reprocess killed between saving a run and checking it).
        await db.schema.alterTable('reports').addColumn('checked_run_id', 'integer').execute();
        await (db as Kysely<{ reports: { checked_run_id: number | null; current_run_id: number | null } }>)
          .updateTable('reports')
          .set((eb) => ({ checked_run_id: eb.ref('current_run_id') }))
          .execute();
        await db.schema.createIndex('frontier_host').on('frontier').columns(['host', 'run_id']).execute();
        await db.schema.createIndex('frontier_source').on('frontier').columns(['source_id', 'depth']).execute();
      },
    },
    // The review desk's queue filters and grouping: blame and the finding's (first) table as columns,
    // so that filtering and sorting 30 000 items needs no JSON parsing.
    '0400_review_queue': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('review_items').addColumn('blame', 'text').execute();
        await db.schema.alterTable('review_items').addColumn('tbl', 'text').execute();
        await db.schema
          .createIndex('review_items_status_level')
          .on('review_items')
          .columns(['status', 'level'])
          .execute();
        const q = db as unknown as Kysely<{
          review_items: { id: number; finding_json: string; blame: string | null; tbl: string | null };
        }>;
        const rows = await q.selectFrom('review_items').select(['id', 'finding_json']).execute();
        for (const r of rows) {
          const f = (JSON.parse(r.finding_json) as { finding?: { blame?: string; cells?: string[][] } }).finding;
          await q
            .updateTable('review_items')
            .set({ blame: f?.blame ?? null, tbl: f?.cells?.[0]?.[0] ?? null })
            .where('id', '=', r.id)
            .execute();
        }
      },
    },
    '0600_host_lease': {
      // Fleet politeness: one row per host, claimed atomically by one worker at a time.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('host_lease')
          .addColumn('host', 'text', (c) => c.primaryKey())
          .addColumn('next_allowed_at', 'text', (c) => c.notNull())
          .addColumn('holder', 'text')
          .addColumn('lease_until', 'text')
          .execute();
      },
    },
    '0100_document_failures': {
      async up(db: Kysely<unknown>) {
        // Documents whose reading or extraction failed (unreadable, or over a budget), per parser
        // version: the bytes are in `documents`, the reason here, so a failure is never silent.
        await db.schema
          .createTable('document_failures')
          .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
          .addColumn('sha256', 'text', (c) => c.notNull().references('documents.sha256'))
          .addColumn('parser_version', 'text', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('first_failed_at', 'text', (c) => c.notNull())
          .addColumn('last_failed_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('document_failures_unique', ['sha256', 'parser_version'])
          .execute();
      },
    },
    '0650_fleet_crawl': {
      // Fleet crawl: a host's shared delay (AutoThrottle's current value and robots.txt Crawl-delay)
      // beside its lease; robots.txt fetched once per host per crawl run; a run's sources and
      // options, so workers on other machines crawl with the coordinator's registry.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('host_lease').addColumn('delay_ms', 'integer').execute();
        await db.schema.alterTable('host_lease').addColumn('crawl_delay_ms', 'integer').execute();
        await db.schema
          .createTable('host_robots')
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('run_id', 'integer', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('body', 'text')
          .addColumn('error', 'text')
          .addColumn('fetched_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('host_robots_pk', ['host', 'run_id'])
          .execute();
        await db.schema
          .createTable('crawl_run_config')
          .addColumn('run_id', 'integer', (c) => c.primaryKey())
          .addColumn('sources', 'text', (c) => c.notNull())
          .addColumn('options', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0651_schedule_ticks': {
      // One row per schedule tick: of several schedulers on one store, the one that inserts it runs the tick.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('schedule_ticks')
          .addColumn('tick', 'text', (c) => c.primaryKey())
          .addColumn('claimed_by', 'text', (c) => c.notNull())
          .addColumn('claimed_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0652_crawl_run_counts': {
      // A fleet crawl's counts, added to by every worker at the end of each step and extract job.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('crawl_run_counts')
          .addColumn('run_id', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('crawl_run_counts_pk', ['run_id', 'name'])
          .execute();
      },
    },
  };
}

export class InlineMigrations implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}
