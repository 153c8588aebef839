// Tables a report should print but that were not read: why (not printed, printed but unreadable,
// printed as an image), who is likely at fault, and one HARD not-assessable E-TABLE finding each,
// so that every unread table reaches the review queue instead of vanishing into `tables_missing`.
import { printedLabel } from '../../parsers/index.ts';
import type { Document } from '../read/document.ts';
import type { Finding, FormatVersion, TableId } from '../record.ts';
import { extractionFinding } from '../rules/extraction.ts';

export type MissingReason = 'not_printed' | 'unreadable' | 'image';

export interface MissingTable {
  table: TableId;
  reason: MissingReason;
  /** Printed labels of the rows that were found but could not be read (unreadable tables). */
  failedRows: string[];
  /** Rows found without a recognisable label. */
  unlabelledRows: number;
  /** What was wrong, in a few words (for the warning and the finding). */
  why: string;
  version: FormatVersion | null;
}

const TABLE_NAME: Record<TableId, string> = {
  table2: '表二（主动公开政府信息情况）',
  table3: '表三（收到和处理政府信息公开申请情况）',
  table4: '表四（政府信息公开行政复议、行政诉讼情况）',
};

/** Section headings that introduce each table: an image between one and the next is the table. */
const SECTION: Record<TableId, RegExp> = {
  table2: /主动公开政府信息情况/,
  table3: /收到和处理政府信息公开申请情况/,
  table4: /政府信息公开行政复议.{0,3}行政诉讼情况/,
};

/** Whether the document shows a picture where the table's section is (or the whole copy is pictures). */
export function printedAsImage(doc: Document, table: TableId): boolean {
  if (doc.scanned || doc.blocks.some((b) => (b.type === 'table' ? false : b.origin.ocr))) return true;
  const images = doc.images ?? [];
  if (!images.length) return false;
  const at = doc.blocks.findIndex((b) => b.type === 'paragraph' && SECTION[table].test(b.text.replace(/\s/g, '')));
  if (at < 0) return false;
  let end = doc.blocks.length;
  for (const re of Object.values(SECTION)) {
    const k = doc.blocks.findIndex((b, i) => i > at && b.type === 'paragraph' && re.test(b.text.replace(/\s/g, '')));
    if (k > at && k < end) end = k;
  }
  const sixth = doc.blocks.findIndex(
    (b, i) => i > at && b.type === 'paragraph' && /^[五六][、.]|存在的主要问题/.test(b.text.trim()),
  );
  if (sixth > at && sixth < end) end = sixth;
  return images.some((i) => i > at && i <= end);
}

export function describeMissing(
  table: TableId,
  found: { printed: boolean; glued: boolean; dropped: Array<{ row: string | null }>; version: FormatVersion | null },
  doc: Document,
): MissingTable {
  const failedRows = [
    ...new Set(found.dropped.flatMap((d) => (d.row ? [printedLabel(found.version, table, d.row)] : []))),
  ];
  const unlabelledRows = found.dropped.filter((d) => !d.row).length;
  const base = { table, failedRows, unlabelledRows, version: found.version };
  if (found.glued)
    return {
      ...base,
      reason: 'unreadable',
      why: 'cells run together without separators (a label followed directly by its digits)',
    };
  if (found.printed || found.dropped.length) {
    const n = failedRows.length + unlabelledRows;
    return {
      ...base,
      reason: 'unreadable',
      why: n
        ? `${n} row(s) with the wrong number of values${failedRows.length ? `: ${failedRows.join('、')}` : ''}`
        : 'its header was found but no row of values could be read',
    };
  }
  if (printedAsImage(doc, table)) return { ...base, reason: 'image', why: 'printed as an image' };
  return { ...base, reason: 'not_printed', why: 'not printed in this copy' };
}

/** The warning for a table not read: "found but unreadable" when it was printed. */
export function missingWarning(m: MissingTable): string {
  if (m.reason === 'unreadable') return `${m.table}: found but unreadable (${m.why}); not read`;
  if (m.reason === 'image') return `${m.table}: printed as an image in this copy; not read`;
  return `${m.table}: not found in the document`;
}

export function missingFinding(m: MissingTable): Finding {
  const name = TABLE_NAME[m.table];
  const message =
    m.reason === 'not_printed'
      ? `${name}在此副本中未刊印，未读取；需人工确认原件是否缺表，或从其他副本录入`
      : m.reason === 'image'
        ? `${name}以图片形式刊印，未能读取，需人工对照原件录入`
        : `${name}已找到但无法读取（${
            m.failedRows.length
              ? `数值个数不符的行：${m.failedRows.join('、')}${m.unlabelledRows ? `，另有${m.unlabelledRows}行无法识别` : ''}`
              : m.unlabelledRows
                ? `${m.unlabelledRows}行无法识别`
                : /run together/.test(m.why)
                  ? '单元格粘连在一起'
                  : '有表头但无可读的数值行'
          }），需人工对照原件录入`;
  return extractionFinding({
    rule: 'E-TABLE',
    blame: m.reason === 'not_printed' ? 'publisher' : 'extraction',
    message,
    detail: {
      table: m.table,
      reason: m.reason,
      failed_rows: m.failedRows,
      ...(m.unlabelledRows ? { unlabelled_rows: m.unlabelledRows } : {}),
      format_version: m.version,
    },
  });
}
