// Which copy of a report is current: the most trustworthy reading, whatever the order the copies
// arrived in. A verified text reading (HTML, text, a PDF's text layer, DOCX/DOC/OFD) beats OCR,
// which beats a scan nobody could read; then fewer tables and rows not read for sure; then more cells;
// then the document's sha256, so that equal copies are ordered by content, never by arrival.
import type { ReportRecord } from '../record.ts';
import { needsReview } from '../review/queue.ts';
import type { StoredCopy } from '../store/store.ts';

/** How far a reading can be trusted: text read as printed, OCR, or a scan left unread. */
export type ReadingTrust = 'text' | 'ocr' | 'scan';
const TRUST_ORDER: ReadingTrust[] = ['text', 'ocr', 'scan'];

export function readingTrust(record: ReportRecord): ReadingTrust {
  if (record.cells.some((c) => c.source.ocr)) return 'ocr';
  if (record.source.media === 'image' || record.findings.some((f) => f.rule === 'E-SCAN' || f.rule === 'E-OCR'))
    return 'scan';
  return 'text';
}

/**
 * How much of this copy was not read for sure: tables not read, and findings about the reading
 * (E-* rules, anything blamed on extraction). A publisher's inconsistency is the same in every copy
 * and says nothing about the copy (counting it would favour copies that lost the rows it rests on).
 */
export function readingFailures(record: ReportRecord): number {
  return (
    record.report.tables_missing.length +
    record.findings.filter((f) => needsReview(f) && (f.rule.startsWith('E-') || f.blame === 'extraction')).length
  );
}

/** The sort key of a copy: lower is better. */
export function copyRank(record: ReportRecord): [number, number, number, number, string] {
  return [
    // A reading without a single cell (a report page whose tables are in an attachment) never
    // replaces one with cells, however trusted its medium.
    record.cells.length ? 0 : 1,
    TRUST_ORDER.indexOf(readingTrust(record)),
    readingFailures(record),
    -record.cells.length,
    record.source.sha256,
  ];
}

const compare = (a: ReturnType<typeof copyRank>, b: ReturnType<typeof copyRank>): number => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

export function bestCopy(copies: StoredCopy[]): StoredCopy | null {
  let best: StoredCopy | null = null;
  for (const c of copies) if (!best || compare(copyRank(c.record), copyRank(best.record)) < 0) best = c;
  return best;
}
