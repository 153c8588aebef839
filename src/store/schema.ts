// Table types of the store (kysely). Column names are the same in SQLite and Postgres.
import type { Generated } from 'kysely';

export interface DocumentsTable {
  sha256: string;
  media: string;
  size: number;
  bytes: Uint8Array;
  first_seen_at: string;
}

export interface SightingsTable {
  id: Generated<number>;
  sha256: string;
  /** A file path or a URL: where these bytes were seen. */
  location: string;
  seen_at: string;
}

export interface ReportsTable {
  id: Generated<number>;
  /** normalised agency + year, or `sha:<sha256>` when either is unknown */
  report_key: string;
  agency: string | null;
  report_year: number | null;
  kind: string;
  title: string | null;
  scope: string | null;
  current_run_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface RunsTable {
  id: Generated<number>;
  sha256: string;
  parser_version: string;
  report_id: number;
  record_json: string;
  created_at: string;
}

export interface CellsTable {
  run_id: number;
  tbl: string;
  row_key: string;
  col_key: string;
  value: number | null;
  raw: string;
  kind: string;
  unit: string | null;
  source_json: string;
}

export interface FindingsTable {
  id: Generated<number>;
  report_id: number;
  run_id: number;
  fingerprint: string;
  rule: string;
  level: string;
  status: string;
  blame: string;
  message: string;
  cells_json: string;
  evidence_json: string;
  evidence_hash: string;
}

export interface ReviewItemsTable {
  id: Generated<number>;
  fingerprint: string;
  report_id: number;
  rule: string;
  level: string;
  /** open | decided | resolved (the finding no longer fails) */
  status: string;
  decision: string | null;
  evidence_hash: string;
  finding_json: string;
  agency: string | null;
  report_year: number | null;
  created_at: string;
  updated_at: string;
}

export interface ReviewEventsTable {
  id: Generated<number>;
  item_id: number;
  at: string;
  /** opened | decided | reopened | resolved */
  event: string;
  who: string | null;
  decision: string | null;
  note: string | null;
  evidence_json: string | null;
}

export interface CorrectionsTable {
  id: Generated<number>;
  report_id: number;
  tbl: string;
  row_key: string;
  col_key: string;
  old_value: number | null;
  old_raw: string | null;
  new_value: number;
  note: string;
  who: string;
  at: string;
  /** A later correction of the same cell replaces this one; the history stays. */
  superseded_by: number | null;
}

export interface BodiesTable {
  agency: string;
  parent: string | null;
  level: string | null;
  region_code: string | null;
}

export interface CrawlRunsTable {
  id: Generated<number>;
  started_at: string;
  finished_at: string | null;
  sources: string;
}

export interface FrontierTable {
  url: string;
  host: string;
  source_id: string;
  /** list (a report column page) | page (a report page) | file (an attachment) */
  kind: string;
  depth: number;
  parent_url: string | null;
  /** pending | done | failed | gone (withdrawn: 404/410, never deleted) | skipped (robots, trap) */
  state: string;
  /** The crawl run that last finished this URL; URLs with another run id are due in the current run. */
  run_id: number | null;
  etag: string | null;
  last_modified: string | null;
  sha256: string | null;
  http_status: number | null;
  attempts: Generated<number>;
  error: string | null;
  discovered_at: string;
  fetched_at: string | null;
}

export interface FetchLogTable {
  id: Generated<number>;
  run_id: number;
  url: string;
  final_url: string | null;
  status: number | null;
  bytes: number | null;
  ms: number | null;
  attempts: number | null;
  etag: string | null;
  last_modified: string | null;
  /** new | changed | unchanged | not_modified | gone | failed | skipped */
  outcome: string;
  error: string | null;
  at: string;
}

export interface Database {
  crawl_runs: CrawlRunsTable;
  frontier: FrontierTable;
  fetch_log: FetchLogTable;
  documents: DocumentsTable;
  sightings: SightingsTable;
  reports: ReportsTable;
  runs: RunsTable;
  cells: CellsTable;
  findings: FindingsTable;
  review_items: ReviewItemsTable;
  review_events: ReviewEventsTable;
  corrections: CorrectionsTable;
  bodies: BodiesTable;
  document_failures: DocumentFailuresTable;
}

/** A document that could not be read or extracted by one parser version, and why (one line). */
export interface DocumentFailuresTable {
  id: Generated<number>;
  sha256: string;
  parser_version: string;
  /** Where it was last seen (file path or URL). */
  location: string;
  reason: string;
  attempts: number;
  first_failed_at: string;
  last_failed_at: string;
}
