// Schema migrations, in order. Each runs once, in a transaction (kysely's Migrator).
import type { Kysely, Migration, MigrationProvider } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

function migrations(dialect: Dialect): Record<string, Migration> {
  // The two column types that differ between the embedded default and Postgres.
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
  };
}

export class InlineMigrations implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}
