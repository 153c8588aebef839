// The one document model between readers (HTML, text, later PDF/Word/OCR) and extraction.
import type { Media } from '../record.ts';

/** Where a piece of text sits in the original: grid position, text line, or page and box. */
export interface Origin {
  page: number | null;
  table_index: number | null;
  row_index: number | null;
  col_index: number | null;
  line: number | null;
  bbox: [number, number, number, number] | null;
  ocr?: boolean;
  confidence?: number;
}

export interface GridCell {
  text: string;
  origin: Origin;
  /** A copy produced by expanding rowspan/colspan; `origin` is the merged cell's own position. */
  spanned: boolean;
}

export interface TableBlock {
  type: 'table';
  index: number;
  /** Rows with rowspan/colspan expanded: every row has an entry for every grid column it covers. */
  rows: GridCell[][];
}

export interface ParagraphBlock {
  type: 'paragraph';
  text: string;
  origin: Origin;
}

export type Block = TableBlock | ParagraphBlock;

export interface DocumentMeta {
  /** `<title>` or PDF metadata title, when the container has one. */
  title: string | null;
}

export interface Document {
  media: Media;
  encoding: string | null;
  blocks: Block[];
  meta: DocumentMeta;
  warnings: string[];
  /** Pages are images with no usable text layer (a scan): nothing can be read without OCR. */
  scanned?: boolean;
  /** Pictures in the content: for each, the number of blocks before it (so its section is known). */
  images?: number[];
}

export const noOrigin = (): Origin => ({
  page: null,
  table_index: null,
  row_index: null,
  col_index: null,
  line: null,
  bbox: null,
});
