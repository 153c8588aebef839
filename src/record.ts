// The report record: the contract every stage shares (../shared/spec/record.md).
// Numbers are never coerced here: a blank cell must stay `null`, not become 0.
import { z } from 'zod';

export const TABLES = ['table2', 'table3', 'table4'] as const;
export type TableId = (typeof TABLES)[number];
export const MEDIA = ['html', 'pdf', 'docx', 'doc', 'wps', 'ofd', 'image', 'txt'] as const;
export type Media = (typeof MEDIA)[number];
export const FORMAT_VERSIONS = ['v2019', 'v2021'] as const;
export type FormatVersion = (typeof FORMAT_VERSIONS)[number];

export const CellKind = z.enum(['number', 'blank', 'placeholder', 'text']);
export type CellKind = z.infer<typeof CellKind>;

/** Where a cell came from: grid position for tables, line/column for text, page/bbox for PDFs. */
export const CellSource = z.object({
  page: z.number().int().nullable(),
  table_index: z.number().int().nullable(),
  row_index: z.number().int().nullable(),
  col_index: z.number().int().nullable(),
  line: z.number().int().nullable(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  /** Set when the extractor had to choose between readings (e.g. a column shift resolved by a sum). */
  resolved_by: z.string().optional(),
  ocr: z.boolean().optional(),
  confidence: z.number().optional(),
});
export type CellSource = z.infer<typeof CellSource>;

export const Cell = z
  .object({
    table: z.enum(TABLES),
    row: z.string().min(1),
    col: z.string().min(1),
    value: z.number().finite().nullable(),
    raw: z.string(),
    kind: CellKind,
    unit: z.string().nullable(),
    note: z.string().nullable().optional(),
    source: CellSource,
    /** Set on effective values: an audited correction replaced the extracted value. */
    corrected: z
      .object({ correction_id: z.number().int(), extracted_value: z.number().nullable(), extracted_kind: CellKind })
      .optional(),
  })
  .refine((c) => (c.kind === 'number') === (c.value !== null), {
    message: 'a number cell has a value; blank, placeholder and text cells have value null',
  });
export type Cell = z.infer<typeof Cell>;

export const CellRef = z.tuple([z.enum(TABLES), z.string(), z.string()]);
export type CellRef = z.infer<typeof CellRef>;

export const Finding = z.object({
  rule: z.string().min(1),
  level: z.enum(['hard', 'expected', 'plausibility']),
  status: z.enum(['pass', 'fail', 'not_assessable']),
  cells: z.array(CellRef),
  left: z.number().nullable(),
  right: z.number().nullable(),
  delta: z.number().nullable(),
  blame: z.enum(['publisher', 'extraction', 'unknown']),
  message: z.string(),
  /** Cells whose blank value was inferred as 0 (all other parts matched) or derived, said out loud. */
  inferred: z.array(CellRef).optional(),
  /** Structured facts behind the message (E-TABLE: which table, why, the rows that failed). */
  detail: z
    .object({
      table: z.enum(TABLES).optional(),
      reason: z.enum(['not_printed', 'unreadable', 'image']).optional(),
      failed_rows: z.array(z.string()).optional(),
      unlabelled_rows: z.number().int().optional(),
      format_version: z.enum(FORMAT_VERSIONS).nullable().optional(),
    })
    .optional(),
});
export type Finding = z.infer<typeof Finding>;

const TableVersions = z.object({
  table2: z.enum(FORMAT_VERSIONS).nullable(),
  table3: z.enum(FORMAT_VERSIONS).nullable(),
  table4: z.enum(FORMAT_VERSIONS).nullable(),
});

export const ReportRecord = z.object({
  schema: z.literal('nianbao.report/1'),
  source: z.object({
    path: z.string().nullable(),
    url: z.string().nullable(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    media: z.enum(MEDIA),
    encoding: z.string().nullable(),
  }),
  report: z.object({
    kind: z.enum(['ogi_annual_report', 'pre2019_report', 'not_a_report']),
    title: z.string().nullable(),
    agency: z.string().nullable(),
    report_year: z.number().int().min(1990).max(2100).nullable(),
    year_source: z.enum(['title', 'statistics_period', 'url', 'publish_date']).nullable(),
    publish_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable(),
    publish_date_source: z.string().nullable().optional(),
    index_no: z.string().nullable().optional(),
    format_version: TableVersions,
    tables_missing: z.array(z.enum(TABLES)),
    scope: z.enum(['single', 'aggregate', 'unknown']),
    processing_fee_yuan: z.number().nullable().optional(),
    /** Where `agency` came from: the title, the body (signature, 来源), or the store's fallbacks. */
    agency_source: z.enum(['title', 'body', 'registry', 'referrer']).nullable().optional(),
  }),
  cells: z.array(Cell),
  findings: z.array(Finding),
  warnings: z.array(z.string()),
  /** Sections 一 (总体情况) and 六 (其他需要报告的事项) as printed, for the narrative-vs-table rules. */
  narrative: z.object({ overview: z.string().nullable(), other: z.string().nullable() }).optional(),
  extractor: z.object({ name: z.literal('nianbao'), version: z.string() }).optional(),
});
export type ReportRecord = z.infer<typeof ReportRecord>;
