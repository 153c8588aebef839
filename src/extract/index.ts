// Document → report record: metadata, the three tables, the HARD self-checks, schema validation.
import { PARSER_VERSION, printedLabel, TEMPLATES, versionForYear } from '../../parsers/index.ts';
import type { Document } from '../read/document.ts';
import { ReportRecord, TABLES, type Finding, type Media, type TableId } from '../record.ts';
import { extractionFinding } from '../rules/extraction.ts';
import { hardFindings } from '../rules/hard.ts';
import { extractMetadata } from './metadata.ts';
import { extractNarrative } from './narrative.ts';
import { readGlued } from './glued.ts';
import { describeMissing, missingFinding, missingWarning } from './missing.ts';
import { segment, type Segment } from './segment.ts';
import { readTable2, readTable3, readTable4, type TableReading } from './tables.ts';
import { tokenize } from './tokens.ts';
import { sanitizeMetadata } from '../safe-text.ts';
import { LIMITS } from '../settings.ts';

export interface SourceInfo {
  path: string | null;
  url: string | null;
  sha256: string;
  media?: Media;
}

/** The version a report of this year should use (the templates' years); only a fallback when the table itself does not say. */
export { versionForYear };

// A row label followed directly by its digits: a copy whose table cells ran together (per template).
const GLUED: Record<TableId, RegExp[]> = {
  table2: TEMPLATES.map((t) => t.table2.gluedRow),
  table3: TEMPLATES.map((t) => t.table3.gluedRow),
  table4: TEMPLATES.map((t) => t.table4.gluedRow),
};

/**
 * Beyond the cap, the findings of one rule on one table become one finding that lists every cell
 * involved (a table has few) and says how many there were: a page repeating one row a million times
 * gives one E-DUP per table, not a million.
 */
export function collapseFindings(
  findings: Finding[],
  total: number,
  max: number = LIMITS.doc.maxFindingsPerRuleAndTable,
): Finding[] {
  if (total <= max || !findings.length) return findings;
  const first = findings[0]!;
  const seen = new Set<string>();
  const cells = findings.flatMap((f) => f.cells).filter((c) => !seen.has(c.join('|')) && !!seen.add(c.join('|')));
  return [{ ...first, cells, message: `${first.message}（同类问题共${total}处，已合并为一条）` }];
}

function conflictFindings(readings: TableReading[]): Finding[] {
  return readings.flatMap((r) => collapseFindings(conflictsOf(r), r.conflictCount ?? r.conflicts.length));
}

function conflictsOf(r: TableReading): Finding[] {
  return r.conflicts.map(({ first, later }) => ({
    rule: 'E-DUP',
    level: 'hard' as const,
    status: 'fail' as const,
    cells: [[first.table, first.row, first.col] as [TableId, string, string]],
    left: first.value,
    right: later.value,
    delta: first.value !== null && later.value !== null ? first.value - later.value : null,
    blame: 'unknown' as const,
    message: `同一单元格出现两次且数值不同：「${first.raw}」与「${later.raw}」，保留第一次出现的值`,
  }));
}

/**
 * Rows that could not be read make the table's other cells unverifiable: flag the table with an
 * E-ROW finding naming them. When most rows are unreadable (a damaged copy), keep the complete rows
 * only if the damage can only have shortened rows (every failed row has too few values: collapsed
 * runs, dropped blanks): a row with its full count of values is then exactly what was published.
 * A row with too many values means values may have moved between rows: keep nothing.
 */
function damage(r: TableReading, warnings: string[]): { reading: TableReading; findings: Finding[] } {
  if (!r.dropped.length) return { reading: r, findings: [] };
  const rowsRead = new Set(r.cells.map((c) => c.row)).size;
  const onlyShortened = r.dropped.every((d) => d.got < d.cols.length);
  if (r.dropped.length >= rowsRead && !(onlyShortened && rowsRead)) {
    if (rowsRead)
      warnings.push(
        `${r.table}: ${r.dropped.length} of ${r.dropped.length + rowsRead} rows unreadable in this copy; none of its cells kept`,
      );
    return { reading: { ...r, cells: [] }, findings: [] };
  }
  if (r.dropped.length >= rowsRead)
    warnings.push(
      `${r.table}: ${r.dropped.length} of ${r.dropped.length + rowsRead} rows unreadable in this copy (all too short); the ${rowsRead} complete rows kept`,
    );
  const cells = r.dropped.flatMap((d) =>
    d.row ? d.cols.map((c) => [r.table, d.row!, c] as [TableId, string, string]) : [],
  );
  const named = r.dropped.map((d) => (d.row ? printedLabel(r.version, r.table, d.row) : '（无法识别的行）')).join('、');
  return {
    reading: r,
    findings: [
      extractionFinding({
        rule: 'E-ROW',
        cells,
        blame: 'extraction',
        message: `${r.table} 有 ${r.dropped.length} 行的数值个数与表格列数不符，未读取：${named}；本表其余数值需人工核对`,
      }),
    ],
  };
}

function scannedRecord(
  doc: Document,
  src: SourceInfo,
  report: ReturnType<typeof extractMetadata>['report'],
): ReportRecord {
  const missing = TABLES.map((t) =>
    describeMissing(t, { printed: false, glued: false, dropped: [], version: null }, doc),
  );
  return ReportRecord.parse({
    schema: 'nianbao.report/1',
    source: { path: src.path, url: src.url, sha256: src.sha256, media: src.media ?? doc.media, encoding: doc.encoding },
    report: {
      ...report,
      kind: 'ogi_annual_report',
      format_version: { table2: null, table3: null, table4: null },
      tables_missing: [...TABLES],
    },
    cells: [],
    findings: [
      extractionFinding({
        rule: 'E-SCAN',
        blame: 'extraction',
        message: '文件没有可用的文字层（扫描件或图片），未能进行OCR识别，三张表格均未读取，需人工处理',
      }),
      ...missing.map(missingFinding),
    ],
    warnings: doc.warnings,
    narrative: { overview: null, other: null },
    extractor: { name: 'nianbao', version: PARSER_VERSION },
  });
}

/** Any table with OCR-read cells goes to a person, even when its sums hold. */
function ocrFindings(cells: ReportRecord['cells']): Finding[] {
  return TABLES.flatMap((t) => {
    const ocr = cells.filter((c) => c.table === t && c.source.ocr);
    if (!ocr.length) return [];
    const low = ocr.filter((c) => (c.source.confidence ?? 0) < 0.8).length;
    return [
      extractionFinding({
        rule: 'E-OCR',
        cells: ocr.map((c) => [c.table, c.row, c.col] as [TableId, string, string]),
        blame: 'extraction',
        message: `${t}：${ocr.length}个单元格由OCR识别（${low}个置信度低于80%），须人工对照原件核对`,
      }),
    ];
  });
}

/**
 * Digits a text layer split ("1 2") were joined; keep the joined number only where a sum proves it.
 * Where a check involving the cell fails or cannot be made, say so; where no sum covers it (table 2),
 * do not print a number at all.
 */
function provenJoins(cells: ReportRecord['cells'], findings: Finding[], warnings: string[]): Finding[] {
  const out: Finding[] = [];
  for (const c of cells) {
    if (c.source.resolved_by !== 'joined_digits') continue;
    const ref: [TableId, string, string] = [c.table, c.row, c.col];
    const doubtful = findings.some(
      (f) => f.status !== 'pass' && f.cells.some((x) => x[0] === c.table && x[1] === c.row && x[2] === c.col),
    );
    if (c.table === 'table2') {
      warnings.push(
        `table2 ${c.row}/${c.col}: digits with a gap ("${c.raw}") and no sum to prove them; not read as a number`,
      );
      c.kind = 'text';
      c.value = null;
      out.push(
        extractionFinding({
          rule: 'E-JOIN',
          cells: [ref],
          blame: 'extraction',
          message: `「${c.raw}」数字间有空隙，表二无勾稽关系可证明，未按数字读取`,
        }),
      );
      continue;
    }
    out.push(
      doubtful
        ? {
            rule: 'E-JOIN',
            level: 'hard',
            status: 'not_assessable',
            cells: [ref],
            left: c.value,
            right: null,
            delta: null,
            blame: 'extraction',
            message: `「${c.raw}」数字间有空隙，合并读为${c.value}，但相关勾稽关系不成立或无法判断，需人工核对`,
          }
        : {
            rule: 'E-JOIN',
            level: 'hard',
            status: 'pass',
            cells: [ref],
            left: c.value,
            right: null,
            delta: null,
            blame: 'extraction',
            message: `「${c.raw}」数字间有空隙，合并读为${c.value}，勾稽关系证明无误`,
          },
    );
  }
  return out;
}

/** The HARD checks, after split digits were either proven by them or turned back into text. */
function selfChecks(cells: ReportRecord['cells'], warnings: string[]): Finding[] {
  const hard = hardFindings({ cells });
  const joins = provenJoins(cells, hard, warnings);
  return [...joins, ...(joins.some((j) => j.cells[0]![0] === 'table2') ? hardFindings({ cells }) : hard)];
}

/**
 * Tables not read whose lines show a label followed directly by its digits (not a label line and a
 * value line of a dump): keep only the digits that split one way, flagged E-GLUE for a person.
 */
function readGluedTables(
  doc: Document,
  unread: TableId[],
): ReturnType<typeof readGlued> & { tables: TableId[]; findings: Finding[] } {
  const lines = unread.length
    ? doc.blocks.flatMap((b) => (b.type === 'paragraph' ? [b.text.replace(/\s/g, '')] : []))
    : [];
  const tables = unread.filter((t) => lines.some((l) => GLUED[t].some((re) => re.test(l))));
  if (!tables.length) return { cells: [], versions: {}, warnings: [], tables, findings: [] };
  const g = readGlued(doc, tables);
  const findings: Finding[] = [];
  for (const t of tables) {
    const tc = g.cells.filter((c) => c.table === t);
    if (!tc.length) continue;
    findings.push(
      extractionFinding({
        rule: 'E-GLUE',
        cells: tc.map((c) => [c.table, c.row, c.col] as [TableId, string, string]),
        blame: 'extraction',
        message: `${t}：此副本的单元格粘连在一起，${tc.length}个数值按位数或勾稽关系唯一拆分得到，须对照原件核对`,
      }),
    );
  }
  return { ...g, tables, findings };
}

export function extractRecord(doc: Document, src: SourceInfo): ReportRecord {
  const meta = extractMetadata(doc, { url: src.url });
  meta.report = sanitizeMetadata(meta.report); // document text must not drive a terminal (title, agency, index_no…)
  // A scan cannot say what it is: presume a report, so that it reaches a person instead of vanishing.
  if (doc.scanned) return scannedRecord(doc, src, meta.report);
  const segments = segment(tokenize(doc));
  const of = (t: TableId): Segment[] => segments.filter((s) => s.table === t);
  const yearVersion = versionForYear(meta.report.report_year);
  const t2 = readTable2(of('table2'));
  const t3 = readTable3(of('table3'), t2.version ?? yearVersion);
  const t4 = readTable4(of('table4'), t3.version ?? t2.version ?? yearVersion, t3.spacers);
  const warnings = [...doc.warnings];
  const checked = [t2, t3, t4].map((r) => damage(r, warnings));
  const readings = checked.map((c) => c.reading);
  const damageFindings = checked.flatMap((c) => c.findings);
  const cellCount = readings.reduce((a, r) => a + r.cells.length, 0);

  const year = meta.report.report_year;
  let kind: ReportRecord['report']['kind'] = 'ogi_annual_report';
  if (!meta.looksLikeReport && cellCount === 0) kind = 'not_a_report';
  else if (year !== null && year <= 2018) kind = 'pre2019_report';
  else if (year === null && cellCount === 0) kind = meta.looksLikeReport ? 'ogi_annual_report' : 'not_a_report';

  const ogi = kind === 'ogi_annual_report';
  const cells = ogi ? readings.flatMap((r) => r.cells) : [];
  if (ogi) for (const r of readings) warnings.push(...r.warnings);
  const [r2, r3, r4] = readings as [TableReading, TableReading, TableReading];
  // A table's version is known when it was read, or when its own header or markers named it.
  const known = (r: TableReading) => (ogi && (r.cells.length || r.identified) ? r.version : null);
  const versions = { table2: known(r2), table3: known(r3), table4: known(r4) };
  const unread = ogi ? TABLES.filter((t) => !cells.some((c) => c.table === t)) : [];
  const glued = readGluedTables(doc, unread);
  cells.push(...glued.cells);
  Object.assign(versions, glued.versions);
  warnings.push(...glued.warnings);
  const tablesMissing = unread.filter((t) => !cells.some((c) => c.table === t));
  const missing = tablesMissing.map((t) => {
    const r = readings[TABLES.indexOf(t)]!;
    return describeMissing(
      t,
      { printed: r.printed, glued: glued.tables.includes(t), dropped: r.dropped, version: versions[t] },
      doc,
    );
  });
  warnings.push(...missing.map(missingWarning));
  if (ogi && yearVersion) {
    for (const [t, v] of Object.entries(versions))
      if (v && v !== yearVersion && t !== 'table4')
        warnings.push(`${t} uses the ${v} format, which does not fit report year ${year} (expected ${yearVersion})`);
  }
  const record: ReportRecord = {
    schema: 'nianbao.report/1',
    source: { path: src.path, url: src.url, sha256: src.sha256, media: src.media ?? doc.media, encoding: doc.encoding },
    report: { ...meta.report, kind, format_version: versions, tables_missing: tablesMissing },
    cells,
    findings: ogi
      ? [
          ...missing.map(missingFinding),
          ...damageFindings,
          ...glued.findings,
          ...conflictFindings(readings),
          ...ocrFindings(cells),
          ...selfChecks(cells, warnings),
        ]
      : [],
    warnings,
    narrative: ogi ? extractNarrative(doc) : { overview: null, other: null },
    extractor: { name: 'nianbao', version: PARSER_VERSION },
  };
  return ReportRecord.parse(record);
}
