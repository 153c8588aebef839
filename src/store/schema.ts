// Table types of the store (kysely). Column names are the same in SQLite and Postgres.
import type { ColumnType, Generated } from 'kysely';

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
  /** The page that linked to this document (crawls), when known. */
  referrer: string | null;
  /** The registry source whose crawl found it. */
  source_id: string | null;
  /** When this location last served these bytes (seen_at is the first time). */
  last_seen_at: string | null;
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
  /** The body that published it (body_identities.id); set by src/bodies, null until resolved. */
  body_id?: string | null;
  /** Where `agency` came from: document | referrer | registry | copy (null: not identified) */
  agency_source: string | null;
  /** The run whose rules were last evaluated (0300_crawl_health); differs from current_run_id until rechecked. */
  checked_run_id?: number | null;
}

export interface RunsTable {
  id: Generated<number>;
  sha256: string;
  parser_version: string;
  report_id: number;
  record_json: string;
  created_at: string;
  /** Where this run's report identity came from (see ReportsTable.agency_source). */
  agency_source: string | null;
  /** The printed values' hash, when enough of them are non-zero to tell one report from another. */
  copy_signature: string | null;
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
  /** publisher | extraction | unknown (migration 0400; null on rows written before it) */
  blame: ColumnType<string | null, string | null | undefined, string | null>;
  /** the table of the finding's first cell: items of one rule on one table of one report form a group */
  tbl: ColumnType<string | null, string | null | undefined, string | null>;
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

/** Where a body field came from: `given` (a registry), `inferred:<how>`, or `person:<who>`. */
export type FieldSource = string;

export interface BodyIdentitiesTable {
  /** Stable: derived once from the first canonical name, never recomputed. */
  id: string;
  /** Canonical name (a government is `…人民政府`). */
  name: string;
  /** province | prefecture | county | township | department */
  level: string | null;
  level_source: FieldSource | null;
  /** The tier of the government the body is or belongs to: province | prefecture | county | township */
  admin_level: string | null;
  admin_level_source: FieldSource | null;
  /** GB/T 2260 code of its government (6 digits). */
  region_code: string | null;
  region_source: FieldSource | null;
  /** The parent government (a body id). */
  parent_id: string | null;
  parent_source: FieldSource | null;
  /** Set when a person merged this body into another; its names are then aliases of that one. */
  merged_into: string | null;
  created_at: string;
  updated_at: string;
}

export interface BodyAliasesTable {
  /** A name as printed (NFKC, no whitespace): every known spelling points to one body. */
  name: string;
  body_id: string;
  /** canonical | given | inferred:<how> | person:<who> */
  source: string;
  created_at: string;
}

export interface BodyEventsTable {
  id: Generated<number>;
  body_id: string;
  at: string;
  who: string;
  /** created | merged | alias | set */
  action: string;
  detail_json: string;
  note: string | null;
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

/** Fleet politeness: who may send the next request to a host, and from when (ISO times). */
export interface HostLeaseTable {
  host: string;
  /** no request to this host before this time (its delay: Crawl-delay, AutoThrottle, Retry-After) */
  next_allowed_at: string;
  /** the worker holding the host now, null when free */
  holder: string | null;
  /** the holder's claim lapses at this time (a worker killed mid-request frees its host) */
  lease_until: string | null;
  /** the host's current delay (AutoThrottle), shared by the fleet (0650) */
  delay_ms: number | null;
  /** robots.txt Crawl-delay, the delay's floor (0650) */
  crawl_delay_ms: number | null;
}

/** robots.txt as fetched once per host and crawl run (0650); status 0 = unreachable (network). */
export interface HostRobotsTable {
  host: string;
  run_id: number;
  status: number;
  body: string | null;
  error: string | null;
  fetched_at: string;
}

/** A schedule tick (its cron time, ISO, with the schedule's expression) and the scheduler that ran it (0651). */
export interface ScheduleTicksTable {
  tick: string;
  claimed_by: string;
  claimed_at: string;
}

/** A crawl run's registry and options as JSON, for workers on other machines (0650). */
export interface CrawlRunConfigTable {
  run_id: number;
  sources: string;
  options: string;
}

/** Counts of a crawl run added up from every worker (0652): found URLs, requests, new report versions… */
export interface CrawlRunCountsTable {
  run_id: number;
  name: string;
  n: number;
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
  body_identities: BodyIdentitiesTable;
  body_aliases: BodyAliasesTable;
  body_events: BodyEventsTable;
  sources: SourcesTable;
  store_locks: StoreLocksTable;
  host_lease: HostLeaseTable;
  host_robots: HostRobotsTable;
  crawl_run_config: CrawlRunConfigTable;
  schedule_ticks: ScheduleTicksTable;
  document_failures: DocumentFailuresTable;
  crawl_run_counts: CrawlRunCountsTable;
}

/** A registry source and its crawl health (0300_crawl_health). */
export interface SourcesTable {
  id: string;
  agency: string;
  /** The entry URLs, JSON array. */
  entry: string;
  level: string | null;
  region_code: string | null;
  parent: string | null;
  last_run_id: number | null;
  last_run_at: string | null;
  /** The last run in which at least one entry answered. */
  last_success_at: string | null;
  /** Runs in a row in which every entry failed. */
  consecutive_failures: Generated<number>;
  entries_failing: Generated<number>;
  last_error: string | null;
  documents_found: Generated<number>;
}

export interface StoreLocksTable {
  name: string;
  owner: string;
  pid: number;
  hostname: string;
  acquired_at: string;
  heartbeat_at: string;
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
