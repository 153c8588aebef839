// The data dictionary: every canonical cell as a column of the wide `reports` layout, derived from
// the format templates in parsers/ (never a hand-copied list of keys), with its type, unit, the
// label the official form prints, the format versions that have it and how v2019 and v2021 relate.
import { COLUMN_LABELS, TEMPLATES } from '../../parsers/index.ts';
import { TABLE3_COLS } from '../../parsers/ogi-common.ts';
import type { FormatVersion, TableId } from '../record.ts';
import { TABLES } from '../record.ts';

export type FieldType = 'integer' | 'number' | 'string' | 'boolean' | 'date' | 'datetime';

/** One column of a layout, as it goes into datapackage.json (Frictionless Table Schema field). */
export interface FieldSpec {
  name: string;
  type: FieldType;
  description: string;
  /** Unit of the values (件, 万元 …) when they have one. */
  unit?: string;
  /** Cells only: the canonical key, printed labels per version, versions, cross-version mapping. */
  canonical_key?: { table: TableId; row: string; col: string };
  label_zh?: Partial<Record<FormatVersion, string>>;
  format_versions?: FormatVersion[];
  version_mapping?: string;
  /** What a reader must know before using the column. */
  caveat?: string;
}

export interface CellColumn extends FieldSpec {
  canonical_key: { table: TableId; row: string; col: string };
  format_versions: FormatVersion[];
}

/** `table3 / results.withheld.process_info / legal.research` → `t3_results_withheld_process_info_legal_research`. */
export const cellColumnName = (table: TableId, row: string, col: string): string =>
  `t${table.slice(5)}_${row}_${col}`.replace(/[^A-Za-z0-9_]/g, '_');

/** Columns printed only by some local templates (checked when printed, never required). */
const LOCAL_SUBTOTAL_COL = 'legal.subtotal';

/** Money columns: DOUBLE with a unit; every other cell is a count (INT64). */
function unitOf(table: TableId, row: string, col: string): { type: FieldType; unit: string } {
  if (table === 'table2' && col === 'amount')
    return row === 'fees' ? { type: 'number', unit: '万元' } : { type: 'number', unit: '元' };
  if (table === 'table2' && col === 'change') return { type: 'integer', unit: '项 (signed change)' };
  if (table === 'table2' && (col === 'prev_items' || col === 'items')) return { type: 'integer', unit: '项' };
  if (table === 'table4') return { type: 'integer', unit: '件 (cases)' };
  return { type: 'integer', unit: '件' };
}

/** Column headers as the official forms print them, where they differ from the shared label list. */
function columnLabel(version: FormatVersion, table: TableId, row: string, col: string): string {
  if (table === 'table2' && col === 'decisions') return version === 'v2021' ? '本年处理决定数量' : '处理决定数量';
  if (table === 'table2' && col === 'amount') return row === 'fees' ? '本年收费金额（单位：万元）' : '采购总金额';
  if (col.startsWith('legal.'))
    return col === LOCAL_SUBTOTAL_COL ? '法人或其他组织 › 小计' : `法人或其他组织 › ${COLUMN_LABELS[col] ?? col}`;
  return COLUMN_LABELS[col] ?? col;
}

/**
 * How a key relates across the two formats (report-format.md, "Only `decisions` is comparable across
 * versions"); keys shared by both versions mean the same thing unless listed here.
 */
function versionMapping(table: TableId, row: string, col: string, versions: FormatVersion[]): string {
  const both = versions.length === 2;
  if (table === 'table3' && row === 'results.other.total')
    return 'v2019: （六）其他处理 printed as one row with its own numbers; v2021: the printed subtotal of （六） (local templates only) = overdue_correction + overdue_fee + other. Comparable as totals.';
  if (table === 'table3' && row.startsWith('results.other.'))
    return 'v2021 only; v2019 counts these inside results.other.total (no breakdown).';
  if (both) return 'same key and meaning in v2019 and v2021';
  if (table === 'table2') {
    if (col === 'in_force')
      return 'v2021 only. Not comparable with v2019 total_published (documents published ≠ documents in force).';
    if (col === 'issued' || col === 'repealed')
      return 'v2021 only. Not comparable with v2019 newly_made / newly_published.';
    if (col === 'newly_made' || col === 'newly_published' || col === 'total_published')
      return 'v2019 only. Not comparable with v2021 issued / in_force.';
    if (row === 'fees')
      return col === 'amount'
        ? 'v2021 only: money (万元). v2019 fees are item counts (prev_items, change): not comparable.'
        : 'v2019 only: item counts. v2021 fees are money (amount, 万元): not comparable.';
    if (col === 'prev_items' || col === 'change') return 'v2019 only: v2021 keeps only 处理决定数量 (decisions).';
    if (row === 'other_services' || row === 'procurement') return 'v2019 only: the row was dropped in v2021.';
  }
  return `${versions.join(', ')} only`;
}

/** Every canonical cell of every template version, in table → printed row → column order. */
export function cellColumns(): CellColumn[] {
  const byKey = new Map<string, CellColumn>();
  const order: string[] = [];
  /** The versions in which a key is a subtotal that only some local templates print. */
  const localOnly = new Map<string, FormatVersion[]>();
  for (const table of TABLES) {
    for (const t of [...TEMPLATES].sort((a, b) => a.version.localeCompare(b.version))) {
      for (const spec of t[table].rows) {
        const cols = spec.cols ?? (table === 'table3' ? [...TABLE3_COLS, LOCAL_SUBTOTAL_COL] : []);
        for (const col of cols) {
          const key = `${table}|${spec.key}|${col}`;
          let c = byKey.get(key);
          if (!c) {
            const { type, unit } = unitOf(table, spec.key, col);
            c = {
              name: cellColumnName(table, spec.key, col),
              type,
              unit,
              description: '',
              canonical_key: { table, row: spec.key, col },
              label_zh: {},
              format_versions: [],
            };
            byKey.set(key, c);
            order.push(key);
          }
          c.label_zh![t.version] =
            `${spec.printed ?? spec.labels[0]} ｜ ${columnLabel(t.version, table, spec.key, col)}`;
          if (spec.subtotal || col === LOCAL_SUBTOTAL_COL)
            (localOnly.get(key) ?? localOnly.set(key, []).get(key)!).push(t.version);
          if (!c.format_versions.includes(t.version)) c.format_versions.push(t.version);
        }
      }
    }
  }
  const out = order.map((k) => byKey.get(k)!);
  const names = new Set<string>();
  for (const c of out) {
    if (names.has(c.name)) throw new Error(`dictionary: two cells map to column ${c.name}`);
    names.add(c.name);
    const { table, row, col } = c.canonical_key;
    c.format_versions.sort();
    c.version_mapping = versionMapping(table, row, col, c.format_versions);
    c.description = `${table} / ${row} / ${col}: the effective value (corrected where an audited correction exists); null when the report does not print a number there (blank, placeholder, text, table missing) — never 0.`;
    const local = localOnly.get(`${table}|${row}|${col}`) ?? [];
    if (local.length === c.format_versions.length)
      c.caveat = 'A subtotal printed only by some local templates: null for most reports.';
    else if (local.length)
      c.caveat = `In ${local.join(', ')} a subtotal printed only by some local templates (null for most reports); in the other versions a row of the official form.`;
    if (table === 'table2' && col === 'amount' && row === 'fees')
      c.caveat = 'Publishers sometimes type 元 into this 万元 column (rule T2-P3 flags it).';
  }
  return out;
}
