// Small helpers for rules that read cells by key.
import type { Cell, CellRef, Finding, ReportRecord, TableId } from '../record.ts';

export type CellIndex = Map<string, Cell>;

export function indexCells(record: Pick<ReportRecord, 'cells'> | null): CellIndex {
  return new Map((record?.cells ?? []).map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
}

/** The printed number of a cell, or null (absent, blank, placeholder, text). */
export function num(ix: CellIndex, table: TableId, row: string, col: string): number | null {
  const c = ix.get(`${table}|${row}|${col}`);
  return c && c.kind === 'number' ? c.value : null;
}

export const ref = (table: TableId, row: string, col: string): CellRef => [table, row, col];

export function finding(
  f: Omit<Finding, 'left' | 'right' | 'delta'> & Partial<Pick<Finding, 'left' | 'right' | 'delta'>>,
): Finding {
  const left = f.left ?? null;
  const right = f.right ?? null;
  return {
    ...f,
    left,
    right,
    delta: f.delta ?? (left !== null && right !== null ? Math.round((left - right) * 1e6) / 1e6 : null),
  };
}
