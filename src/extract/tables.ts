// Raw rows + format templates → cells. Rows are identified by label, never by position alone;
// each row takes its trailing run of values with the count the template expects.
import { TEMPLATES, TABLE3_COLS, TABLE3_APPLICANT_COLS, TABLE4_COLS } from '../../parsers/index.ts';
import type { FormatTemplate, RowSpec, TableTemplate } from '../../parsers/index.ts';
import type { Cell, FormatVersion, TableId } from '../record.ts';
import type { Segment } from './segment.ts';
import type { Token } from './tokens.ts';
import { parseValue } from './value.ts';
import { LIMITS } from '../settings.ts';
import { columnCentres, columnWords, placeByPosition, type ColumnSpec } from './columns.ts';

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
  dropped: Array<{ row: string | null; cols: readonly string[] }>;
  /** Trailing spacer cells this table's rows carry (learnt), for tables with too few rows to learn. */
  spacers: number | null;
}

interface Member extends RowSpec {
  /** The group this row belongs to, from template order (rows after an opener). */
  member: string | null;
  order: number;
}

function withMembership(t: TableTemplate): Member[] {
  let group: string | null = null;
  return t.rows.map((r, order) => {
    if (r.opensGroup) group = r.opensGroup === 'none' ? null : r.opensGroup;
    return { ...r, member: group, order };
  });
}
const MEMBERS = new Map<TableTemplate, Member[]>();
const members = (t: TableTemplate): Member[] => {
  let m = MEMBERS.get(t);
  if (!m) MEMBERS.set(t, (m = withMembership(t)));
  return m;
};

/** A label cut by a line wrap right before its values ("行政规范性文" + values + "件") still names its row. */
const MIN_WRAPPED_PREFIX = 4;

/**
 * The row whose label fragment ends latest in the label text (closest to the values); ties → longer.
 * A fragment's wrapped prefix at the very end of the label counts too.
 */
export function matchRow(label: string, rows: Member[], group: string | null, cuts: number[] = []): Member | null {
  // Wrapped prefixes may end the label, or end just before its last one or two fragments.
  const ends = [label.length, ...cuts.slice(-3, -1).reverse()];
  let best: Member | null = null;
  let bestEnd = -1;
  let bestLen = 0;
  const consider = (row: Member, end: number, len: number) => {
    if (end > bestEnd || (end === bestEnd && len > bestLen)) {
      best = row;
      bestEnd = end;
      bestLen = len;
    }
  };
  for (const row of rows) {
    if (row.group && row.group !== group) continue;
    for (const l of row.labels) {
      const i = label.lastIndexOf(l);
      if (i >= 0) consider(row, i + l.length, l.length);
    }
  }
  // Wrapped prefixes only matter when no full label ends the text (the common case needs no search).
  if (bestEnd === label.length) return best;
  for (const row of rows) {
    if (row.group && row.group !== group) continue;
    for (const l of row.labels) {
      prefix: for (const end of ends) {
        for (let k = l.length - 1; k >= Math.max(MIN_WRAPPED_PREFIX, Math.ceil(0.6 * l.length)); k--) {
          if (label.slice(0, end).endsWith(l.slice(0, k))) {
            consider(row, end, k);
            break prefix;
          }
        }
      }
    }
  }
  return best;
}

/** Version whose markers occur most often in the table's text; null when none occurs. */
export function detectVersion(text: string, pick: (t: FormatTemplate) => TableTemplate): FormatVersion | null {
  let best: FormatVersion | null = null;
  let bestScore = 0;
  for (const t of TEMPLATES) {
    const score = pick(t).markers.filter((m) => text.includes(m)).length;
    if (score > bestScore) {
      best = t.version;
      bestScore = score;
    }
  }
  return best;
}

const templateOf = (v: FormatVersion): FormatTemplate => TEMPLATES.find((t) => t.version === v)!;

/** Digits with a visible gap inside one cell ("1 2"): joined, but only the sums can prove it. */
const SPLIT_DIGITS = /\d\s+\d/;

function makeCell(table: TableId, row: string, col: string, tok: Token, resolvedBy?: string): Cell {
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
function trimBlanks(values: Token[], expected: number, spacerHint = 0): Token[] {
  const v = [...values];
  for (let i = 0; i < spacerHint && v.length > expected && v[v.length - 1]!.kind === 'empty'; i++) v.pop();
  while (v.length > expected && v[0]!.kind === 'empty') v.shift();
  while (v.length > expected && v[v.length - 1]!.kind === 'empty') v.pop();
  return v;
}

class Collector {
  cells: Cell[] = [];
  warnings: string[] = [];
  conflicts: Array<{ first: Cell; later: Cell }> = [];
  conflictCount = 0;
  dropped: TableReading['dropped'] = [];
  private byKey = new Map<string, Cell>();
  constructor(readonly table: TableId) {}
  spacers: number | null = null;
  result(version: FormatVersion | null): TableReading {
    return {
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
function blankAt(table: TableId, row: string, col: string, near: Token): Cell {
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
function putPositioned(
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

/** Table 2 column headers (both versions), for positions in PDFs. */
const T2_HEADER: Array<[string, RegExp]> = [
  ['issued', /本年制发/],
  ['repealed', /本年废止/],
  ['in_force', /现行有效/],
  ['decisions', /处理决定/],
  ['amount', /收费金额|采购总金额/],
  ['newly_made', /本年新制作/],
  ['newly_published', /本年新公开/],
  ['total_published', /对外公开总/],
  ['prev_items', /上一年/],
  ['change', /增\/?减|增减/],
  ['items', /采购项目/],
];

/** Remember where each table-2 column header word sits (the latest block's header wins). */
function noteHeaderPositions(tokens: Token[], into: Map<string, number>): void {
  const ws = columnWords(tokens.filter((t) => t.origin.bbox));
  for (const [col, re] of T2_HEADER) {
    const w = ws.find((x) => re.test(x.text));
    if (w) into.set(col, w.x);
  }
}

const T3_HEADER: ColumnSpec[] = [
  { key: 'natural_person', matches: (w) => w.includes('自然人') },
  { key: 'legal.commercial', matches: (w) => w.startsWith('商业') },
  { key: 'legal.research', matches: (w) => w.startsWith('科研') },
  { key: 'legal.social_welfare', matches: (w) => w.startsWith('社会') },
  { key: 'legal.legal_services', matches: (w) => w.startsWith('法律服') || w === '法律' },
  { key: 'legal.other', matches: (w) => w === '其他' },
  { key: 'total', matches: (w) => w === '总计' },
];

const where = (v: Token[]): string => {
  const o = v[0]?.origin;
  if (!o) return '';
  if (o.page !== null) return ` (page ${o.page})`;
  if (o.line !== null) return ` (line ${o.line})`;
  return o.table_index !== null ? ` (table ${o.table_index + 1}, row ${(o.row_index ?? 0) + 1})` : '';
};

// ---------------------------------------------------------------- table 2

export function readTable2(segments: Segment[]): TableReading {
  const out = new Collector('table2');
  const text = segments.map((s) => s.text).join('');
  const version = detectVersion(text, (t) => t.table2);
  if (!version) {
    if (segments.some((s) => s.rows.length))
      out.warnings.push('table 2: neither the 2019 nor the 2021 column headers were found; table 2 not read');
    return out.result(null);
  }
  const rows = members(templateOf(version).table2);
  const matched = segments.flatMap((seg) =>
    seg.rows.map((raw) => ({ raw, spec: matchRow(raw.label, rows, null, raw.cuts) })),
  );
  const hint =
    trailingSpacers(
      matched.flatMap(({ raw, spec }) => (spec ? [{ values: raw.values, expected: spec.cols?.length ?? 0 }] : [])),
    ) ?? 0;
  // In flattened text a block's caption and header rows end with the same spacer cells as its
  // value rows (merged cells become tabs): they say how many trailing blanks are not cells.
  let blockSpacer: number | null = null;
  const headerX = new Map<string, number>();
  for (const { raw, spec } of matched) {
    if (!spec) {
      if (raw.rowMode && raw.values.length && raw.values.every((v) => v.kind === 'empty'))
        blockSpacer = raw.values.length;
      continue;
    }
    noteHeaderPositions(raw.labelTokens, headerX);
    {
      const cols = spec.cols ?? [];
      const values = trimBlanks(raw.values, cols.length, blockSpacer ?? hint);
      if (values.length < cols.length) {
        // Positioned text (PDF): a blank cell prints nothing; place values under their block's header.
        const centres = cols.map((c) => headerX.get(c) ?? null);
        const placed = placeByPosition(
          values.filter((v) => v.kind !== 'empty'),
          centres,
        );
        if (placed?.size) {
          putPositioned(out, spec.key, cols, placed, centres);
          continue;
        }
      }
      if (values.length !== cols.length) {
        out.warnings.push(
          `table 2 row ${spec.key}: ${values.length} values where ${cols.length} are expected${where(raw.values)}; row not read`,
        );
        out.dropped.push({ row: spec.key, cols });
        continue;
      }
      out.putRow(spec.key, cols, values);
    }
  }
  return out.result(version);
}

// ---------------------------------------------------------------- table 3

const V2021_T3 = templateOf('v2021').table3;

/** Table 3 columns as printed: the seven of the form, plus `legal.subtotal` where a local template adds it. */
function table3Columns(text: string): readonly string[] {
  const i = text.indexOf('小计');
  if (i < 0) return TABLE3_COLS;
  const cols: string[] = [...TABLE3_APPLICANT_COLS];
  // 小计 printed before the five legal columns, or after them.
  cols.splice(i < text.indexOf('商业企业') ? 1 : 6, 0, 'legal.subtotal');
  return [...cols, 'total'];
}

/** Row sum check used to choose between readings of a run with one value too many. */
function rowSumHolds(values: number[], cols: readonly string[]): boolean {
  const total = values[cols.indexOf('total')];
  if (total === undefined) return false;
  const parts = cols.map((c, i) => (TABLE3_APPLICANT_COLS.includes(c as never) ? values[i]! : 0));
  return parts.reduce((a, b) => a + b, 0) === total;
}

/**
 * A run with one value more than the columns: try dropping each position; accept only when every
 * reading that satisfies the row sum gives the same values (the sums choose, and we say so).
 */
function resolveSurplus(values: Token[], cols: readonly string[]): Token[] | null {
  if (values.length !== cols.length + 1) return null;
  let chosen: Token[] | null = null;
  let chosenKey: string | null = null;
  for (let drop = 0; drop < values.length; drop++) {
    const cand = values.filter((_, i) => i !== drop);
    const nums = cand.map((t) => parseValue(t.text).value);
    if (nums.some((n) => n === null)) continue;
    if (!rowSumHolds(nums as number[], cols)) continue;
    const key = nums.join(',');
    if (chosenKey !== null && key !== chosenKey) return null;
    chosen ??= cand;
    chosenKey = key;
  }
  return chosen;
}

export function readTable3(segments: Segment[], fallback: FormatVersion | null): TableReading {
  const out = new Collector('table3');
  const text = segments.map((s) => s.text).join('');
  const cols = table3Columns(text);
  const n = cols.length;
  let version: FormatVersion | null = detectVersion(text, (t) => t.table3);
  // No v2021 marker: the (六) row printing its own numbers makes it v2019.
  const rows2019 = members(templateOf('v2019').table3);
  if (!version) {
    const hasOther = segments.some((s) =>
      s.rows.some(
        (r) =>
          matchRow(r.label, rows2019, null)?.key === 'results.other.total' && r.values.some((v) => v.kind === 'value'),
      ),
    );
    version = hasOther ? 'v2019' : segments.some((s) => s.rows.length) ? fallback : null;
  }
  if (!version) return out.result(null);
  const rows = members(version === 'v2021' ? V2021_T3 : templateOf('v2019').table3);
  let group: string | null = null;
  let last: Member | null = null;
  const orphans: Orphan[] = [];

  const hint =
    trailingSpacers(segments.flatMap((seg) => seg.rows.map((raw) => ({ values: raw.values, expected: n })))) ?? 0;
  out.spacers = hint;
  let cached: Array<number | null> | null = null;
  const centres = () =>
    (cached ??= columnCentres(
      segments.flatMap((s) => s.header),
      T3_HEADER,
      segments.flatMap((s) => s.rows.map((r) => r.values)),
    ));
  for (const seg of segments) {
    for (const raw of seg.rows) {
      let runs = [trimBlanks(raw.values, n, hint)];
      // One-per-line dumps can run two rows' values together when a label line is missing.
      if (!raw.rowMode && runs[0]!.length > n && runs[0]!.length % n === 0) {
        runs = [];
        for (let i = 0; i < raw.values.length; i += n) runs.push(raw.values.slice(i, i + n));
      }
      runs.forEach((values, k) => {
        const spec = k === 0 ? matchRow(raw.label, rows, group, raw.cuts) : null;
        let resolved: string | undefined;
        if (values.length === n + 1) {
          const fixed = resolveSurplus(values, cols);
          if (fixed) {
            values = fixed;
            resolved = 'row_sum';
            out.warnings.push(
              `table 3 row ${spec?.key ?? '?'}: ${n + 1} values for ${n} columns${where(values)}; the reading that satisfies the row sum was taken`,
            );
          }
        }
        if (values.length < n && spec && n === TABLE3_COLS.length) {
          // Positioned text (PDF): blank cells print nothing, so place the values by column.
          const placed = placeByPosition(
            values.filter((v) => v.kind !== 'empty'),
            centres(),
          );
          if (placed?.size) {
            group = spec.member;
            last = spec;
            putPositioned(out, spec.key, cols, placed, centres());
            return;
          }
        }
        if (values.length !== n) {
          if (spec || values.some((v) => v.kind === 'value')) {
            out.warnings.push(
              `table 3 row ${spec?.key ?? `"${raw.label.slice(-24)}"`}: ${values.length} values where ${n} are expected${where(values)}; row not read`,
            );
            out.dropped.push({ row: spec?.key ?? null, cols });
          }
          if (spec) {
            last = spec;
            group = spec.member;
          }
          return;
        }
        if (!spec) {
          orphans.push({ after: last, values, label: raw.label });
          return;
        }
        group = spec.member;
        last = spec;
        out.putRow(spec.key, cols, values, resolved);
      });
    }
  }
  // Label-less rows (wrapped labels lost in a dump): place them only when they fill the gap between
  // two read rows exactly, in form order.
  placeOrphans(orphans, rows, cols, out);
  return out.result(version);
}

/** A run of values whose label was not recognised, and the last row read before it. */
interface Orphan {
  after: Member | null;
  values: Token[];
  label: string;
}

function placeOrphans(orphans: Orphan[], rows: Member[], cols: readonly string[], out: Collector): void {
  const required = rows.filter((r) => !r.subtotal);
  const byAfter = new Map<Member | null, typeof orphans>();
  for (const o of orphans) byAfter.set(o.after, [...(byAfter.get(o.after) ?? []), o]);
  for (const [after, list] of byAfter) {
    const start = after ? required.indexOf(after) + 1 : 0;
    let end = start;
    while (end < required.length && !out.has(required[end]!.key)) end++;
    const gap = required.slice(start, end);
    if (gap.length !== list.length || end >= required.length) {
      for (const o of list) {
        out.warnings.push(
          `table 3: a row of values with no recognisable label${where(o.values)} ("${o.label.slice(-20)}"); not read`,
        );
        out.dropped.push({ row: null, cols });
      }
      continue;
    }
    list.forEach((o, i) => {
      out.putRow(gap[i]!.key, cols, o.values, 'row_order');
      out.warnings.push(
        `table 3 row ${gap[i]!.key}: label missing in this copy${where(o.values)}; placed by form order between its neighbours`,
      );
    });
  }
}

// ---------------------------------------------------------------- table 4

export function readTable4(
  segments: Segment[],
  version: FormatVersion | null,
  spacersElsewhere: number | null = null,
): TableReading {
  const out = new Collector('table4');
  const rows = members(templateOf(version ?? 'v2021').table4);
  const wide = rows.flatMap((r) => (r.cols ?? TABLE4_COLS).map((c) => [r.key, c] as const));
  // One value row cannot teach its own spacers: use what the document's table 3 showed.
  const hint =
    trailingSpacers(
      segments.flatMap((seg) => seg.rows.map((raw) => ({ values: raw.values, expected: wide.length }))),
    ) ??
    spacersElsewhere ??
    0;
  let cached: Array<number | null> | null = null;
  const t4centres = () =>
    (cached ??= table4Centres(
      segments.flatMap((s) => s.header),
      wide.length,
    ));
  for (const seg of segments) {
    for (const raw of seg.rows) {
      // Word text loses row ends: the value row then carries one empty field at each end.
      const framed =
        raw.values.length === wide.length + 2 && raw.values[0]!.kind === 'empty' && raw.values.at(-1)!.kind === 'empty';
      const values = framed ? raw.values.slice(1, -1) : trimBlanks(raw.values, wide.length, hint);
      if (values.length === wide.length) {
        for (const [i, [row, col]] of wide.entries()) out.put(makeCell('table4', row, col, values[i]!));
        continue;
      }
      const five = trimBlanks(raw.values, TABLE4_COLS.length, hint);
      // A run of five belongs to a row only when its label names exactly one of the three rows
      // (split tables); under the full three-row header it is a wide row missing values.
      const named = rows.filter((r) => r.labels.some((l) => raw.label.includes(l)));
      const spec = five.length === TABLE4_COLS.length && named.length === 1 ? named[0]! : null;
      if (spec) {
        out.putRow(spec.key, TABLE4_COLS, five);
        continue;
      }
      const placed =
        values.length < wide.length
          ? placeByPosition(
              values.filter((v) => v.kind !== 'empty'),
              t4centres(),
            )
          : null;
      if (placed?.size) {
        const any = [...placed.values()][0]!;
        const first = Math.min(...placed.keys());
        const last = Math.max(...placed.keys());
        wide.forEach(([row, col], i) => {
          const tok = placed.get(i);
          if (tok) out.put(makeCell('table4', row, col, tok, 'column_position'));
          else if (i > first && i < last) out.put(blankAt('table4', row, col, any));
        });
        continue;
      }
      if (raw.values.some((v) => v.kind === 'value')) {
        out.warnings.push(
          `table 4: ${raw.values.length} values where 15 (or 5 per labelled row) are expected${where(raw.values)}; not read`,
        );
        out.dropped.push({ row: null, cols: TABLE4_COLS });
      }
    }
  }
  return out.result(out.cells.length ? version : null);
}

/** Table 4's fifteen column centres from its third header row (维持 纠正 其他 审结 总计, three times). */
function table4Centres(header: Token[], n: number): Array<number | null> {
  const heads = header.filter((t) => t.origin.bbox);
  // Every header word that names a result column, in x order; all fifteen or none.
  // Wrapped headers ("结果/维持", "其他结/果", "尚未/审结") give one or two pieces per column;
  // pieces of one column share its x.
  const xs = columnWords(heads)
    .filter((w) => /^(?:结果维|结果纠|维持|纠正|其他|尚未|审结|总计)/.test(w.text))
    .map((w) => w.x)
    .sort((a, b) => a - b);
  const distinct = xs.filter((x, i) => i === 0 || x - xs[i - 1]! > 6);
  return distinct.length === n ? distinct : Array.from({ length: n }, () => null);
}
