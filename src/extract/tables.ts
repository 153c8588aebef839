// The table readers, one module per table (formats are data: rows, columns, header patterns and
// the years each version covers live in the templates in parsers/).
export { type TableReading, trailingSpacers } from './cells.ts';
export { detectVersion, matchRow } from './rows.ts';
export { readTable2 } from './table2.ts';
export { readTable3 } from './table3.ts';
export { readTable4 } from './table4.ts';
