// The findings the extractor raises about its own reading (E-TABLE, E-SCAN, E-ROW, …) share one
// shape: HARD, not assessable, no operands; only the cells, who is to blame and the message differ.
import type { CellRef, Finding } from '../record.ts';
import type { ExtractionFindingId } from './kinds.ts';

export interface ExtractionFindingParts {
  /** One of the ids listed in EXTRACTION_FINDINGS (kinds.ts), so `nianbao rules` explains it. */
  rule: ExtractionFindingId;
  blame: Finding['blame'];
  message: string;
  /** The cells a person must check; none when a whole table or document was not read. */
  cells?: CellRef[];
  detail?: Finding['detail'];
}

/** A finding that a reading could not be checked: HARD, not_assessable, left/right/delta null. */
export function extractionFinding({ rule, blame, message, cells = [], detail }: ExtractionFindingParts): Finding {
  return {
    rule,
    level: 'hard',
    status: 'not_assessable',
    cells,
    left: null,
    right: null,
    delta: null,
    blame,
    message,
    ...(detail ? { detail } : {}),
  };
}
