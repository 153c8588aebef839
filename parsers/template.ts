// The shape of a report-format template: formats are data, the extractor only interprets them.
import type { FormatVersion } from '../src/record.ts';

/** One printed row: its canonical key and the label fragments (normalised) that identify it. */
export interface RowSpec {
  key: string;
  /** The label as the official template prints it (for displays; matching uses `labels`). */
  printed?: string;
  /** Normalised label fragments; a row matches when one occurs in the row's label text. */
  labels: string[];
  /** Columns this row's values fill, in printed order (table 2 rows differ per block). */
  cols?: readonly string[];
  /** The row only counts inside this group (e.g. "3.其他" only under （六）其他处理). */
  group?: string;
  /** A printed group total: checked, never required. */
  subtotal?: boolean;
  /** Entering this row's label sets the current group for the rows that follow. */
  opensGroup?: string;
}

/** What a column's cells hold: counts, signed changes (+2, 减3), or amounts (decimals, with units). */
export type ValueKind = 'count' | 'signed_count' | 'amount';

/** One printed value column: the header words that name it (for positions in PDFs) and its kind. */
export interface ColumnSpec {
  key: string;
  /** Matches a normalised header word (or a piece of a wrapped one) that names this column. */
  header: RegExp;
  kind: ValueKind;
}

export interface TableTemplate {
  /** Label fragments whose presence votes for this version of the table. */
  markers: string[];
  rows: RowSpec[];
  /** The value columns, with their header patterns and value kinds. */
  columns: ColumnSpec[];
  /** A row label followed directly by its digits: a copy whose cells ran together. */
  gluedRow: RegExp;
}

export interface FormatTemplate {
  version: FormatVersion;
  /** The document that fixes the format. */
  source: string;
  /** Report years the format is prescribed for (inclusive; `to` null = still current). */
  years: { from: number; to: number | null };
  table2: TableTemplate;
  table3: TableTemplate;
  table4: TableTemplate;
}
