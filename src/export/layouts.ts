// The five layouts of the data package and their fields. Rows are produced report page by report
// page (LIMITS.export.pageReports), so a large store exports in bounded memory.
import { computeCoverage } from '../coverage/coverage.ts';
import { division } from '../bodies/divisions.ts';
import type { ReportRecord } from '../record.ts';
import { effectiveRecord } from '../review/effective.ts';
import { LIMITS } from '../settings.ts';
import type { BodyRow, ReportRow, Store } from '../store/store.ts';
import { compliance } from './compliance.ts';
import { type CellColumn, cellColumnName, cellColumns, type FieldSpec } from './dictionary.ts';
import type { Row } from './writers.ts';
import { flaggedCells, longCellRow } from './cells.ts';

export const LAYOUTS = ['cells', 'reports', 'findings', 'coverage', 'bodies'] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface ExportFilter {
  /** report years from this one on */
  since?: number;
  /** a body id, or part of a body's name or of one of its aliases */
  agency?: string;
  /** a GB/T 2260 code or its prefix (35 = Fujian, 3503 = Putian) */
  region?: string;
}

const f = (name: string, type: FieldSpec['type'], description: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type,
  description,
  ...extra,
});

const BODY_FIELDS: FieldSpec[] = [
  f('body_id', 'string', 'the body that published the report (bodies.id): stable across re-runs and merges'),
  f('region_code', 'string', "GB/T 2260 code of the body's government (6 digits)"),
];

export const CELLS_FIELDS: FieldSpec[] = [
  f('report_id', 'integer', "the store's report id (one per body and year)"),
  f('report_key', 'string', '`agency|year` as the title prints the agency, or `sha:<sha256>` when either is unknown'),
  f('agency', 'string', 'the agency as the report prints it'),
  f('report_year', 'integer', 'the statistical year the report covers'),
  f('kind', 'string', 'ogi_annual_report (only these reports have cells)'),
  f('format_version', 'string', "v2019 / v2021: the format of this cell's table"),
  f('table', 'string', 'canonical table key (table2 / table3 / table4)'),
  f('row', 'string', 'canonical row key (report-format.md)'),
  f('col', 'string', 'canonical column key'),
  f('column', 'string', 'the column of this cell in the `reports` layout'),
  f(
    'value',
    'number',
    'the effective value (corrected when a correction exists); null when the cell prints no number. Amounts and counts share this column: see `unit` and the dictionary of `reports`',
  ),
  f('kind_of_value', 'string', 'number / blank / placeholder / text, as printed'),
  f('raw', 'string', 'the printed text of the cell'),
  f('unit', 'string', 'a unit printed in the cell (元, 万元 …)'),
  f('corrected', 'boolean', 'an audited correction applies'),
  f('extracted_value', 'number', 'the value the extractor read'),
  f('open_findings', 'string', 'open review items on this cell, `RULE#item-id;…`'),
  f('source_sha256', 'string', 'sha256 of the document the cell came from'),
  f('source_location', 'string', 'path or URL of that document'),
  ...BODY_FIELDS,
];

const COMPLIANCE_FIELDS: FieldSpec[] = [
  f(
    'publish_deadline',
    'date',
    '第四十九条: 31 January (departments) or 31 March (people’s governments) of the year after',
    {
      caveat: 'null when the level of the body is unknown.',
    },
  ),
  f('published_on_time', 'boolean', 'publish_date ≤ publish_deadline', {
    caveat:
      'null when the publish date is unknown. The date is the one the page or document prints (发布时间, 成文日期, 署名日期: see publish_date_source); a page re-posted later looks late.',
  }),
  f('days_late', 'integer', 'days after the deadline (0 when on time)', { unit: 'days' }),
  f('all_tables_printed', 'boolean', 'tables 2, 3 and 4 were all found and read', {
    caveat:
      'false also when the copy was unreadable to the extractor (a scan, cells run together): see tables_missing and the findings (E-SCAN, E-OCR, E-GLUE, E-ROW).',
  }),
  f(
    'format_matches_year',
    'boolean',
    'every printed table uses the format of its year (v2019 for 2019–2020, v2021 from 2021)',
    {
      caveat: 'null before 2019 or when no table was read.',
    },
  ),
  f('hard_rules_pass', 'boolean', 'no HARD rule (T3-*, T4-*, T2-1) fails on the effective values', {
    caveat:
      'null when a table is missing or a check was not assessable (blanks); a failure may still be an extraction error until a reviewer decides (see publisher_errors_confirmed and the findings layout).',
  }),
  f('narrative_agrees', 'boolean', 'no narrative rule (N-*) fails: the text agrees with the tables', {
    caveat: 'null when no narrative was found; the narrative checks read only the numbers they recognise.',
  }),
  f('publisher_errors_confirmed', 'integer', "review items a reviewer decided as the publisher's error", {
    caveat: 'counts decisions made so far: 0 may mean nobody has reviewed the report yet (see open_review_items).',
  }),
];

const REPORT_ID_FIELDS: FieldSpec[] = [
  f('report_id', 'integer', "the store's report id"),
  f('report_key', 'string', '`agency|year`: all copies of one report (page, PDF, DOCX) are one row'),
  ...BODY_FIELDS,
  f('body_name', 'string', 'canonical name of the body'),
  f('level', 'string', 'province / prefecture / county / township / department'),
  f('admin_level', 'string', "tier of the body's government"),
  f('parent_body_id', 'string', 'the parent government (bodies.id)'),
  f('agency', 'string', 'the agency as the report prints it'),
  f('report_year', 'integer', 'the statistical year'),
  f('kind', 'string', 'ogi_annual_report / pre2019_report / not_a_report'),
  f('title', 'string', 'the title as printed'),
  f('scope', 'string', 'single / aggregate (a whole government rolled up) / unknown'),
  f('publish_date', 'date', 'the date the report was published, as printed'),
  f('publish_date_source', 'string', '发布时间, 成文日期, 署名日期 …'),
  f('format_table2', 'string', 'v2019 / v2021 / null (not read)'),
  f('format_table3', 'string', 'v2019 / v2021 / null'),
  f('format_table4', 'string', 'v2019 / v2021 / null'),
  f('tables_missing', 'string', 'tables not read, `;`-separated'),
  f('processing_fee_yuan', 'number', '信息处理费 stated in section 六', { unit: '元' }),
  f('source_sha256', 'string', 'the document the values come from'),
  f('source_media', 'string', 'html / pdf / docx / doc / ofd / txt …'),
  f('source_location', 'string', 'path or URL'),
  f('open_review_items', 'integer', 'review items still open for this report'),
];

let cellCols: CellColumn[] | null = null;
export const reportCellColumns = (): CellColumn[] => (cellCols ??= cellColumns());

export const reportsFields = (): FieldSpec[] => [
  ...REPORT_ID_FIELDS,
  ...COMPLIANCE_FIELDS,
  ...reportCellColumns(),
  f(
    'cells_not_in_columns',
    'string',
    'printed cells with no typed column here (a count that is not an integer, a key outside the templates): `table|row|col=raw;…`, see the cells layout',
  ),
];

export const FINDINGS_FIELDS: FieldSpec[] = [
  f('finding_id', 'integer', "the store's finding id"),
  f('report_id', 'integer', 'the report'),
  f('report_key', 'string', '`agency|year`'),
  ...BODY_FIELDS,
  f('report_year', 'integer', 'the statistical year'),
  f('rule', 'string', 'rule id (`nianbao rules` lists them)'),
  f('level', 'string', 'hard / expected / plausibility'),
  f('status', 'string', 'fail / not_assessable / pass (a pass that inferred blanks as 0)'),
  f('blame', 'string', 'publisher / extraction / unknown: who is likely at fault, before review'),
  f('message', 'string', 'the finding in Chinese'),
  f('cells', 'string', 'cells involved, `table|row|col;…`'),
  f('left', 'number', 'the value on one side of the check'),
  f('right', 'number', 'the value on the other side'),
  f('delta', 'number', 'left − right'),
  f('review_item_id', 'integer', 'the review item (failed and not-assessable HARD findings have one)'),
  f('review_status', 'string', 'open / decided / resolved'),
  f('review_decision', 'string', 'publisher-error / extraction-error / false-alarm (null until decided)'),
];

export const COVERAGE_FIELDS: FieldSpec[] = [
  f('body', 'string', 'the body as coverage names it (registry source or printed agency)'),
  f('source_id', 'string', 'the registry source'),
  f('year', 'integer', 'report year'),
  f('status', 'string', 'complete / partial / pre2019 / not_a_report / not_found / fetch_failed'),
  f('report_id', 'integer', 'the report, when there is one'),
  f('tables_missing', 'string', '`;`-separated'),
  f('detail', 'string', 'why, in a few words'),
  ...BODY_FIELDS,
];

export const BODIES_FIELDS: FieldSpec[] = [
  f('body_id', 'string', 'stable id (derived once from the first canonical name)'),
  f('name', 'string', 'canonical name (a government is …人民政府)'),
  f('aliases', 'string', 'every other name reports print for it, `;`-separated'),
  f('level', 'string', 'province / prefecture / county / township / department'),
  f('level_source', 'string', 'given (a registry) / inferred:<how> / person:<who>'),
  f('admin_level', 'string', "tier of the body's government"),
  f('admin_level_source', 'string', 'given / inferred:<how> / person:<who>'),
  f('region_code', 'string', "GB/T 2260 code of the body's government"),
  f('region_name', 'string', 'the division the code names (NBS 2023)'),
  f('region_source', 'string', 'given / inferred:<how> / person:<who>'),
  f('parent_body_id', 'string', 'the parent government'),
  f('parent_name', 'string', "the parent government's canonical name"),
  f('parent_source', 'string', 'given / inferred:<how> / person:<who>'),
  f('reports', 'integer', 'reports in the store linked to this body'),
];

export const fieldsOf = (layout: Layout): FieldSpec[] =>
  layout === 'cells'
    ? CELLS_FIELDS
    : layout === 'reports'
      ? reportsFields()
      : layout === 'findings'
        ? FINDINGS_FIELDS
        : layout === 'coverage'
          ? COVERAGE_FIELDS
          : BODIES_FIELDS;

/** The bodies the filter keeps (null: all), by id, name or alias, and region prefix. */
export async function filteredBodyIds(store: Store, filter: ExportFilter): Promise<Set<string> | null> {
  if (!filter.agency && !filter.region) return null;
  const out = new Set<string>();
  for (const b of await store.allBodies({ includeMerged: true })) {
    if (filter.region && !b.region_code?.startsWith(filter.region)) continue;
    if (filter.agency) {
      const names = [b.name, ...(await store.bodyAliases(b.id)).map((a) => a.name)];
      if (b.id !== filter.agency && !names.some((n) => n.includes(filter.agency!))) continue;
    }
    out.add(b.id);
  }
  return out;
}

export interface ReportPage {
  report: ReportRow;
  record: ReportRecord | null;
  body: BodyRow | null;
}

/** Reports page by page, with their effective records and bodies. */
export async function* reportPages(store: Store, filter: ExportFilter, kind?: string): AsyncGenerator<ReportPage[]> {
  const bodyIds = await filteredBodyIds(store, filter);
  const bodies = new Map<string, BodyRow | null>();
  let after = 0;
  for (;;) {
    const page = await store.reportsPage(after, LIMITS.export.pageReports, {
      since: filter.since,
      kind,
      bodyIds: bodyIds ? [...bodyIds] : undefined,
    });
    if (!page.length) return;
    after = page.at(-1)!.id;
    const out: ReportPage[] = [];
    for (const report of page) {
      const id = report.body_id ?? null;
      if (id && !bodies.has(id)) bodies.set(id, await store.body(id));
      out.push({ report, record: await effectiveRecord(store, report), body: id ? (bodies.get(id) ?? null) : null });
    }
    yield out;
  }
}

const cellKey = (t: string, r: string, c: string) => `${t}|${r}|${c}`;

export async function cellRows(store: Store, page: ReportPage[]): Promise<Row[]> {
  const items = await store.itemsOfReports(page.map((p) => p.report.id));
  const flagged = flaggedCells(items.filter((i) => i.status === 'open'));
  const rows: Row[] = [];
  for (const { report, record, body } of page) {
    if (!record || report.kind !== 'ogi_annual_report') continue;
    for (const c of record.cells)
      rows.push({
        ...longCellRow(report, record, c, flagged),
        column: cellColumnName(c.table, c.row, c.col),
        body_id: body?.id ?? null,
        region_code: body?.region_code ?? null,
      });
  }
  return rows;
}

export async function reportRows(store: Store, page: ReportPage[]): Promise<Row[]> {
  const ids = page.map((p) => p.report.id);
  const findings = await store.findingsOfReports(ids);
  const items = await store.itemsOfReports(ids);
  const cols = reportCellColumns();
  const colByKey = new Map(
    cols.map((c) => [cellKey(c.canonical_key.table, c.canonical_key.row, c.canonical_key.col), c]),
  );
  const rows: Row[] = [];
  for (const { report, record, body } of page) {
    const r = record?.report;
    const mine = findings.filter((x) => x.report_id === report.id);
    const myItems = items.filter((x) => x.report_id === report.id);
    const row: Row = {
      report_id: report.id,
      report_key: report.report_key,
      body_id: body?.id ?? null,
      region_code: body?.region_code ?? null,
      body_name: body?.name ?? null,
      level: body?.level ?? null,
      admin_level: body?.admin_level ?? null,
      parent_body_id: body?.parent_id ?? null,
      agency: r?.agency ?? report.agency,
      report_year: r?.report_year ?? report.report_year,
      kind: r?.kind ?? report.kind,
      title: r?.title ?? report.title,
      scope: r?.scope ?? report.scope,
      publish_date: r?.publish_date ?? null,
      publish_date_source: r?.publish_date_source ?? null,
      format_table2: r?.format_version.table2 ?? null,
      format_table3: r?.format_version.table3 ?? null,
      format_table4: r?.format_version.table4 ?? null,
      tables_missing: r?.tables_missing.join(';') || null,
      processing_fee_yuan: r?.processing_fee_yuan ?? null,
      source_sha256: record?.source.sha256 ?? null,
      source_media: record?.source.media ?? null,
      source_location: record ? (record.source.path ?? record.source.url) : null,
      open_review_items: myItems.filter((i) => i.status === 'open').length,
    };
    if (record && record.report.kind === 'ogi_annual_report')
      Object.assign(
        row,
        compliance(record, body?.level ?? null, {
          findings: mine,
          decisions: myItems.map((i) => i.decision),
        }),
      );
    const odd: string[] = [];
    for (const c of cols) row[c.name] = null;
    for (const c of record?.report.kind === 'ogi_annual_report' ? record.cells : []) {
      const col = colByKey.get(cellKey(c.table, c.row, c.col));
      if (c.value === null) continue; // not printed as a number: null, never 0
      if (!col || (col.type === 'integer' && !Number.isInteger(c.value))) {
        odd.push(`${cellKey(c.table, c.row, c.col)}=${c.raw}`);
        continue;
      }
      row[col.name] = c.value;
    }
    row.cells_not_in_columns = odd.join(';') || null;
    rows.push(row);
  }
  return rows;
}

export async function findingRows(store: Store, page: ReportPage[]): Promise<Row[]> {
  const ids = page.map((p) => p.report.id);
  const byId = new Map(page.map((p) => [p.report.id, p]));
  const items = new Map((await store.itemsOfReports(ids)).map((i) => [i.fingerprint, i]));
  return (await store.findingsOfReports(ids)).map((x) => {
    const p = byId.get(x.report_id)!;
    const ev = JSON.parse(x.evidence_json) as {
      finding?: { left?: number | null; right?: number | null; delta?: number | null };
    };
    const item = items.get(x.fingerprint);
    return {
      finding_id: x.id,
      report_id: x.report_id,
      report_key: p.report.report_key,
      body_id: p.body?.id ?? null,
      region_code: p.body?.region_code ?? null,
      report_year: p.report.report_year,
      rule: x.rule,
      level: x.level,
      status: x.status,
      blame: x.blame,
      message: x.message,
      cells: (JSON.parse(x.cells_json) as string[][]).map((c) => c.join('|')).join(';') || null,
      left: ev.finding?.left ?? null,
      right: ev.finding?.right ?? null,
      delta: ev.finding?.delta ?? null,
      review_item_id: item?.id ?? null,
      review_status: item?.status ?? null,
      review_decision: item?.decision ?? null,
    };
  });
}

export async function coverageRows(store: Store, filter: ExportFilter): Promise<Row[]> {
  const bodyIds = await filteredBodyIds(store, filter);
  const out: Row[] = [];
  for (const c of await computeCoverage(store)) {
    if (filter.since !== undefined && c.year < filter.since) continue;
    const rep = c.report_id !== null ? await store.report(c.report_id) : null;
    const body = rep?.body_id ? await store.body(rep.body_id) : await store.bodyByName(c.body);
    if (bodyIds && (!body || !bodyIds.has(body.id))) continue;
    out.push({
      body: c.body,
      source_id: c.source_id,
      year: c.year,
      status: c.status,
      report_id: c.report_id,
      tables_missing: c.tables_missing.join(';') || null,
      detail: c.detail,
      body_id: body?.id ?? null,
      region_code: body?.region_code ?? null,
    });
  }
  return out;
}

export async function bodyRows(store: Store, filter: ExportFilter): Promise<Row[]> {
  const bodyIds = await filteredBodyIds(store, filter);
  const all = await store.allBodies();
  const names = new Map(all.map((b) => [b.id, b.name]));
  const out: Row[] = [];
  for (const b of all) {
    if (bodyIds && !bodyIds.has(b.id)) continue;
    const aliases = (await store.bodyAliases(b.id)).map((a) => a.name).filter((n) => n !== b.name);
    out.push({
      body_id: b.id,
      name: b.name,
      aliases: aliases.join(';') || null,
      level: b.level,
      level_source: b.level_source,
      admin_level: b.admin_level,
      admin_level_source: b.admin_level_source,
      region_code: b.region_code,
      region_name: b.region_code ? (division(b.region_code)?.name ?? null) : null,
      region_source: b.region_source,
      parent_body_id: b.parent_id,
      parent_name: b.parent_id ? (names.get(b.parent_id) ?? null) : null,
      parent_source: b.parent_source,
      reports: (await store.reportsOfBody(b.id)).length,
    });
  }
  return out;
}
