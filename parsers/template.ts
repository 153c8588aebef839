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

export interface TableTemplate {
  /** Label fragments whose presence votes for this version of the table. */
  markers: string[];
  rows: RowSpec[];
}

export interface FormatTemplate {
  version: FormatVersion;
  /** The document that fixes the format. */
  source: string;
  table2: TableTemplate;
  table3: TableTemplate;
  table4: TableTemplate;
}
