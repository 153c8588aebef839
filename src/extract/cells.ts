// Cells from tokens, and the run-of-values bookkeeping every table reader shares: spacer blanks,
// duplicates and conflicts, rows that could not be read, values placed by column position.
import type { Cell, FormatVersion, TableId } from '../record.ts';
import type { Token } from './tokens.ts';
import { parseValue } from './value.ts';
import { LIMITS } from '../settings.ts';

export interface TableReading {
  table: TableId;
  version: FormatVersion | null;
  cells: Cell[];
  warnings: string[];
  /** Cells printed twice with different values: (first, later). */
  conflicts: Array<{ first: Cell; later: Cell }>;
  /** How many conflicts there were; only the first few beyond the findings cap are kept. */
  conflictCount?: number;
  /** Rows the document prints but whose values could not be read for sure. */
  dropped: Array<{ row: string | null; cols: readonly string[] /** values found in the row */; got: number }>;
  /** The table's header or markers named its version (not a fallback from another table or the year). */
  identified: boolean;
  /** The document prints rows of this table (a region with values was found), read or not. */
  printed: boolean;
  /** Trailing spacer cells this table's rows carry (learnt), for tables with too few rows to learn. */
  spacers: number | null;
}

/** Digits with a visible gap inside one cell ("1 2"): joined, but only the sums can prove it. */
const SPLIT_DIGITS = /\d\s+\d/;

export function makeCell(table: TableId, row: string, col: string, tok: Token, resolvedBy?: string): Cell {
  const p = parseValue(tok.text);
  if (p.kind === 'number' && SPLIT_DIGITS.test(tok.text)) resolvedBy ??= 'joined_digits';
  const o = tok.origin;
  return {
    table,
    row,
    col,
    value: p.value,
    raw: tok.text,
    kind: p.kind,
    unit: p.unit,
    ...(p.note ? { note: p.note } : {}),
    source: {
      page: o.page,
      table_index: o.table_index,
      row_index: o.row_index,
      col_index: o.col_index,
      line: o.line,
      bbox: o.bbox,
      ...(resolvedBy ? { resolved_by: resolvedBy } : {}),
      ...(o.ocr ? { ocr: true, confidence: o.confidence ?? 0 } : {}),
    },
  };
}

const leadingEmpty = (v: Token[]) => {
  let i = 0;
  while (i < v.length && v[i]!.kind === 'empty') i++;
  return i;
};
const trailingEmpty = (v: Token[]) => {
  let i = 0;
  while (i < v.length && v[v.length - 1 - i]!.kind === 'empty') i++;
  return i;
};

/**
 * How many empty cells a table's rows end with when they are only spacers (a trailing tab on every
 * line of a Word copy): learnt from rows whose non-empty core has exactly the expected count.
 */
export function trailingSpacers(rows: Array<{ values: Token[]; expected: number }>): number | null {
  const counts = new Map<number, number>();
  for (const { values, expected } of rows) {
    const l = leadingEmpty(values),
      t = trailingEmpty(values);
    if (values.length - l - t !== expected || values.length === expected) continue;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  let best: number | null = null,
    bestN = 0;
  for (const [t, n] of counts)
    if (n > bestN) {
      best = t;
      bestN = n;
    }
  return best;
}

/**
 * Drop spacer blanks at the ends of a run until it has the expected count: first the trailing
 * spacers this table is known to print, then blanks right after the label (a merged label cell
 * flattened into tabs), then any further trailing blanks.
 */
export function trimBlanks(values: Token[], expected: number, spacerHint = 0): Token[] {
  const v = [...values];
  for (let i = 0; i < spacerHint && v.length > expected && v[v.length - 1]!.kind === 'empty'; i++) v.pop();
  while (v.length > expected && v[0]!.kind === 'empty') v.shift();
  while (v.length > expected && v[v.length - 1]!.kind === 'empty') v.pop();
  return v;
}

export class Collector {
  cells: Cell[] = [];
  warnings: string[] = [];
  conflicts: Array<{ first: Cell; later: Cell }> = [];
  conflictCount = 0;
  dropped: TableReading['dropped'] = [];
  private byKey = new Map<string, Cell>();
  constructor(readonly table: TableId) {}
  spacers: number | null = null;
  identified = false;
  printed = false;
  result(version: FormatVersion | null): TableReading {
    return {
      identified: this.identified,
      printed: this.printed,
      table: this.table,
      version,
      cells: this.cells,
      warnings: this.warnings,
      conflicts: this.conflicts,
      conflictCount: this.conflictCount,
      dropped: this.dropped,
      spacers: this.spacers,
    };
  }
  has(row: string): boolean {
    for (const c of this.cells) if (c.row === row) return true;
    return false;
  }
  put(cell: Cell): void {
    const k = `${cell.row}|${cell.col}`;
    const first = this.byKey.get(k);
    if (first) {
      if (first.raw.trim() !== cell.raw.trim() && !(first.value !== null && first.value === cell.value)) {
        // A page repeating one row a million times must not keep a million pairs.
        if (this.conflictCount++ <= LIMITS.doc.maxFindingsPerRuleAndTable) this.conflicts.push({ first, later: cell });
      }
      return;
    }
    this.byKey.set(k, cell);
    this.cells.push(cell);
  }
  putRow(row: string, cols: readonly string[], values: Token[], resolvedBy?: string): void {
    for (const [i, col] of cols.entries()) this.put(makeCell(this.table, row, col, values[i]!, resolvedBy));
  }
}

/** Blank cell for a column a positioned row leaves empty (its header is on the page, no text under it). */
export function blankAt(table: TableId, row: string, col: string, near: Token): Cell {
  return makeCell(
    table,
    row,
    col,
    { ...near, text: '', kind: 'empty', origin: { ...near.origin, bbox: null, col_index: null } },
    'column_position',
  );
}

/**
 * Put a short positioned row: values where they sit, blanks under the known columns between them.
 * Columns beyond the outermost values stay unread: the page may have cut them off.
 */
export function putPositioned(
  out: Collector,
  row: string,
  cols: readonly string[],
  placed: Map<number, Token>,
  centres: Array<number | null>,
): void {
  const any = [...placed.values()][0]!;
  const first = Math.min(...placed.keys());
  const last = Math.max(...placed.keys());
  cols.forEach((col, i) => {
    const tok = placed.get(i);
    if (tok) out.put(makeCell(out.table, row, col, tok, 'column_position'));
    else if (centres[i] !== null && i > first && i < last) out.put(blankAt(out.table, row, col, any));
  });
}

export const where = (v: Token[]): string => {
  const o = v[0]?.origin;
  if (!o) return '';
  if (o.page !== null) return ` (page ${o.page})`;
  if (o.line !== null) return ` (line ${o.line})`;
  return o.table_index !== null ? ` (table ${o.table_index + 1}, row ${(o.row_index ?? 0) + 1})` : '';
};
