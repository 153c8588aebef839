// Token stream → table regions and their raw rows (a label and the run of values after it).
// Tables are found by content, not by heading: anchors in the label text switch the region.
import type { TableId } from '../record.ts';
import type { Token } from './tokens.ts';

export interface RawRow {
  /** Normalised label text accumulated since the previous row (may include header words). */
  label: string;
  /** Where each label token ends in `label` (a wrapped label may be followed by a stray fragment). */
  cuts: number[];
  /** The label tokens themselves (their positions locate table 2's columns in PDFs). */
  labelTokens: Token[];
  values: Token[];
  /** Values came from one printed row (a grid or a separated line), not from a one-per-line dump. */
  rowMode: boolean;
}

export interface Segment {
  table: TableId;
  rows: RawRow[];
  /** All normalised label text seen in the region, for version detection. */
  text: string;
  /** Label tokens before the region's first value: the header, whose positions (PDF) locate columns. */
  header: Token[];
}

// Anchors are words printed inside the tables, not section headings: narrative sections mention the
// same topics and must not open a table region.
const TABLE2_ANCHOR = /第二十条第/;
const TABLE3_ANCHOR = /勾稽关系|申请人情况|本年度?新收|新收政府信息公开申请数量/;
const TABLE4_ANCHOR = /行政复议/;
/** Headings of the narrative sections after the tables end every table region. */
const SECTION_END = /^[五六七][、.]|存在的主要问题|主要问题及改进|其他需要报告|其他应说明|其他需说明/;
const MAX_LABEL_TOKENS = 16;

export function segment(tokens: Token[]): Segment[] {
  const segments: Segment[] = [];
  let current: Segment | null = null;
  let labels: Token[] = [];
  let values: Token[] = [];
  let pendingEmpty: Token[] = [];
  let rowHasLabel = false;
  let seenTables = false;

  const joined = () => labels.map((t) => t.norm).join('');
  const flush = () => {
    if (current && values.length) {
      let end = 0;
      const cuts = labels.map((t) => (end += t.norm.length));
      current.rows.push({ label: joined(), cuts, labelTokens: labels, values, rowMode: sameRow(values) });
      labels = [];
    }
    values = [];
  };
  const open = (table: TableId) => {
    flush();
    current = { table, rows: [], text: '', header: [] };
    segments.push(current);
    seenTables = true;
  };

  for (const tok of tokens) {
    switch (tok.kind) {
      case 'prose':
        flush();
        labels = [];
        pendingEmpty = [];
        if (current && SECTION_END.test(tok.text.trim())) current = null;
        break;
      case 'label': {
        flush();
        pendingEmpty = [];
        labels.push(tok);
        if (labels.length > MAX_LABEL_TOKENS) labels.shift();
        rowHasLabel = true;
        if (SECTION_END.test(tok.norm) && !/行政复议|行政诉讼/.test(tok.norm)) {
          current = null;
          labels = [];
          break;
        }
        const target = anchorOf(tok.norm, joined(), (current as Segment | null)?.table ?? null, seenTables);
        if (target) open(target);
        if (current) {
          const seg = current as Segment;
          seg.text += tok.norm;
          if (!seg.rows.length && !values.length) seg.header.push(tok);
        }
        break;
      }
      case 'empty':
        if (!current) break;
        if (values.length || rowHasLabel) values.push(tok);
        else pendingEmpty.push(tok);
        break;
      case 'value':
        if (!current) break;
        if (!values.length && pendingEmpty.length) values.push(...pendingEmpty);
        pendingEmpty = [];
        values.push(tok);
        break;
    }
    if (tok.rowEnd) {
      flush();
      pendingEmpty = [];
      rowHasLabel = false;
    }
  }
  flush();
  return segments;
}

/** The table a label opens, if any: tables come in the order 2, 3, 4 and never reopen backwards. */
function anchorOf(label: string, recent: string, current: TableId | null, seenTables: boolean): TableId | null {
  if (current !== 'table4' && TABLE4_ANCHOR.test(label) && (seenTables || /结果维持|尚未审结/.test(recent)))
    return 'table4';
  if (current !== 'table3' && current !== 'table4' && TABLE3_ANCHOR.test(recent)) return 'table3';
  if (current === null && TABLE2_ANCHOR.test(recent)) return 'table2';
  return null;
}

/** Whether value tokens share one printed line/row (so their count is trustworthy). */
function sameRow(values: Token[]): boolean {
  const first = values[0]!.origin;
  return values.every(
    (v) =>
      v.origin.table_index !== null &&
      v.origin.table_index === first.table_index &&
      v.origin.row_index === first.row_index,
  );
}
