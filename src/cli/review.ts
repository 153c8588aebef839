// `nianbao review list|show|decide|correct`: the auditor's side of the queue.
import { userInfo } from 'node:os';
import { COLUMN_LABELS, TEMPLATES, TABLE3_COLS, TABLE4_COLS, printedLabel } from '../../parsers/index.ts';
import type { Cell, CellRef, Finding, ReportRecord, TableId } from '../record.ts';
import { effectiveRecord } from '../review/effective.ts';
import { decide, DECISIONS, type Decision } from '../review/queue.ts';
import { writeQueueFile } from '../review/queue-file.ts';
import { openStore } from '../store/open.ts';
import type { ReviewFilter, ReviewItemRow, Store } from '../store/store.ts';
import { queueFileFor } from '../store/paths.ts';

const who = (w?: string) => w ?? process.env.NIANBAO_USER ?? userInfo().username;
const findingOf = (i: ReviewItemRow) => (JSON.parse(i.finding_json) as { finding: Finding }).finding;

/** Every review command needs an existing store: a mistyped --db is refused, never created. */
async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db, { mustExist: true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function reviewList(opts: {
  db: string;
  rule?: string;
  agency?: string;
  year?: string;
  status?: string;
  json?: boolean;
}): Promise<number> {
  const status = (opts.status ?? 'open') as ReviewFilter['status'];
  if (!['open', 'decided', 'resolved', 'all'].includes(status!))
    throw new Error(`--status must be open, decided, resolved or all (got ${opts.status})`);
  const items = await withStore(opts.db, (s) =>
    s.listItems({ rule: opts.rule, agency: opts.agency, year: opts.year ? Number(opts.year) : undefined, status }),
  );
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify(
        items.map((i) => ({
          id: i.id,
          status: i.status,
          decision: i.decision,
          rule: i.rule,
          level: i.level,
          report_id: i.report_id,
          agency: i.agency,
          report_year: i.report_year,
          updated_at: i.updated_at,
          finding: findingOf(i),
        })),
        null,
        1,
      )}\n`,
    );
    return 0;
  }
  for (const i of items) {
    const f = findingOf(i);
    process.stdout.write(
      `#${i.id}\t${i.status}${i.decision ? `(${i.decision})` : ''}\t${i.rule}\t${i.level}\t${i.agency ?? '?'}\t${i.report_year ?? '?'}\t${f.message}\n`,
    );
  }
  process.stderr.write(`${items.length} item(s)\n`);
  return 0;
}

function sourceText(c: Cell): string {
  const s = c.source;
  const parts = [
    s.page !== null ? `page ${s.page}` : null,
    s.table_index !== null ? `table ${s.table_index + 1}` : null,
    s.row_index !== null ? `row ${s.row_index + 1}` : null,
    s.col_index !== null ? `cell ${s.col_index + 1}` : null,
    s.line !== null ? `line ${s.line}` : null,
    s.bbox ? `bbox ${s.bbox.map((n) => Math.round(n)).join(',')}` : null,
    s.ocr ? `OCR ${Math.round((s.confidence ?? 0) * 100)}%` : null,
    s.resolved_by ? `resolved by ${s.resolved_by}` : null,
  ].filter(Boolean);
  return parts.join(', ') || 'position unknown';
}

/** One table in the official row order, involved cells marked with » «. */
export function renderTable(record: ReportRecord, table: TableId, involved: Set<string>): string {
  const version = record.report.format_version[table] ?? (table === 'table4' ? 'v2021' : null);
  const template = TEMPLATES.find((t) => t.version === version) ?? TEMPLATES[0]!;
  const ix = new Map(record.cells.filter((c) => c.table === table).map((c) => [`${c.row}|${c.col}`, c]));
  const rows = template[table].rows.filter((r) => !r.subtotal || [...ix.keys()].some((k) => k.startsWith(`${r.key}|`)));
  const cols =
    table === 'table3'
      ? TABLE3_COLS
      : table === 'table4'
        ? TABLE4_COLS
        : [...new Set(rows.flatMap((r) => r.cols ?? []))];
  const cell = (row: string, col: string) => {
    const c = ix.get(`${row}|${col}`);
    const text = !c ? '' : c.kind === 'number' ? String(c.value) : c.kind === 'blank' ? '(空)' : c.raw;
    const mark = involved.has(`${table}|${row}|${col}`);
    return `${mark ? '»' : ' '}${text}${c?.corrected ? '✎' : ''}${mark ? '«' : ' '}`;
  };
  // Columns are 12 terminal cells wide: six full-width characters, or twelve ASCII ones.
  const width = 12;
  const label = (s: string) => (s.length > 22 ? `${s.slice(0, 21)}…` : s).padEnd(23, '　');
  const lines = [
    `${label('')}${cols.map((c) => (COLUMN_LABELS[c] ?? c).slice(0, width / 2).padEnd(width / 2, '　')).join('')}`,
  ];
  for (const r of rows) {
    const rcols = table === 'table2' ? (r.cols ?? []) : cols;
    if (!rcols.some((c) => ix.has(`${r.key}|${c}`))) continue;
    lines.push(
      `${label(printedLabel(version, table, r.key))}${cols.map((c) => (rcols.includes(c) ? cell(r.key, c) : '').padEnd(width)).join('')}`,
    );
  }
  return lines.join('\n');
}

export async function reviewShow(id: number, opts: { db: string; json?: boolean }): Promise<number> {
  return withStore(opts.db, async (store) => {
    const item = await store.item(id);
    if (!item) throw new Error(`no review item ${id}`);
    const report = (await store.report(item.report_id))!;
    const record = await effectiveRecord(store, report);
    const f = findingOf(item);
    const events = await store.events(id);
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify(
          {
            item: { ...item, finding_json: undefined },
            finding: f,
            report: record?.report,
            source: record?.source,
            cells: record?.cells.filter((c) =>
              f.cells.some(([t, r, k]) => c.table === t && c.row === r && c.col === k),
            ),
            history: events,
          },
          null,
          1,
        )}\n`,
      );
      return 0;
    }
    const out: string[] = [];
    out.push(
      `Review item #${item.id} [${item.status}${item.decision ? `: ${item.decision}` : ''}]  ${f.rule} (${f.level})  likely at fault: ${f.blame}`,
    );
    out.push(`  ${f.message}`);
    if (f.left !== null || f.right !== null)
      out.push(`  left ${f.left ?? '—'}  right ${f.right ?? '—'}  difference ${f.delta ?? '—'}`);
    if (f.inferred?.length) out.push(`  blanks inferred as 0: ${f.inferred.map((c) => c.join('/')).join(', ')}`);
    if (record) {
      const r = record.report;
      out.push('', `Report #${report.id}: ${r.agency ?? '?'} ${r.report_year ?? '?'} — ${r.title ?? '(no title)'}`);
      out.push(
        `  kind ${r.kind}; formats ${Object.entries(r.format_version)
          .map(([t, v]) => `${t} ${v ?? '—'}`)
          .join(', ')}; published ${r.publish_date ?? '?'}; scope ${r.scope}`,
      );
      out.push(
        `  document ${record.source.path ?? record.source.url ?? '?'} (${record.source.media}, sha256 ${record.source.sha256.slice(0, 12)}…)`,
      );
      const involved = new Set(f.cells.map(([t, r2, c]) => `${t}|${r2}|${c}`));
      for (const table of new Set(f.cells.map((c) => c[0])))
        out.push(
          '',
          `${table === 'table2' ? '表二' : table === 'table3' ? '表三' : '表四'} (${table}, »marked« = involved, ✎ = corrected):`,
          renderTable(record, table, involved),
        );
      if (f.cells.length) out.push('', 'Involved cells:');
      for (const [t, r2, c] of f.cells as CellRef[]) {
        const cell = record.cells.find((x) => x.table === t && x.row === r2 && x.col === c);
        out.push(
          `  ${t}/${r2}/${c}: ${cell ? `raw ${JSON.stringify(cell.raw)} → ${cell.kind} ${cell.value ?? 'null'}${cell.corrected ? ` (corrected from ${cell.corrected.extracted_value ?? 'null'})` : ''}; ${sourceText(cell)}` : 'not in the document'}`,
        );
      }
    }
    out.push('', 'History:');
    for (const e of events)
      out.push(
        `  ${e.at}  ${e.event}${e.decision ? ` ${e.decision}` : ''}${e.who ? ` by ${e.who}` : ''}${e.note ? ` — ${e.note}` : ''}`,
      );
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  });
}

export async function reviewDecide(
  id: number,
  opts: { db: string; as: string; note?: string; who?: string },
): Promise<number> {
  if (!DECISIONS.includes(opts.as as Decision)) throw new Error(`--as must be one of ${DECISIONS.join(', ')}`);
  return withStore(opts.db, async (store) => {
    const item = await decide(
      store,
      id,
      opts.as as Decision,
      opts.note ?? null,
      who(opts.who),
      new Date().toISOString(),
    );
    await writeQueueFile(store, queueFileFor(opts.db));
    process.stderr.write(`#${item.id} decided: ${opts.as}\n`);
    return 0;
  });
}

const KNOWN_KEYS = new Set(
  TEMPLATES.flatMap((t) =>
    (['table2', 'table3', 'table4'] as const).flatMap((table) =>
      t[table].rows.flatMap((r) => {
        const cols = table === 'table3' ? [...TABLE3_COLS, 'legal.subtotal'] : (r.cols ?? TABLE4_COLS);
        return cols.map((c) => `${table}|${r.key}|${c}`);
      }),
    ),
  ),
);

export async function reviewCorrect(
  reportArg: string,
  table: string,
  row: string,
  col: string,
  valueArg: string,
  opts: { db: string; note: string; who?: string },
): Promise<number> {
  if (!KNOWN_KEYS.has(`${table}|${row}|${col}`))
    throw new Error(`unknown cell ${table}/${row}/${col} (use the canonical keys of the spec)`);
  const value = Number(valueArg.normalize('NFKC').replace(/,/g, ''));
  if (!Number.isFinite(value) || valueArg.trim() === '') throw new Error(`not a number: ${valueArg}`);
  if (!opts.note?.trim()) throw new Error('--note is required: say why');
  return withStore(opts.db, async (store) => {
    const report = await store.report(/^\d+$/.test(reportArg) ? Number(reportArg) : reportArg);
    if (!report) throw new Error(`no report ${reportArg} (give its id or key "agency|year")`);
    const record = await effectiveRecord(store, report);
    const old = record?.cells.find((c) => c.table === table && c.row === row && c.col === col);
    const at = new Date().toISOString();
    await store.addCorrection({
      report_id: report.id,
      tbl: table,
      row_key: row,
      col_key: col,
      old_value: old?.value ?? null,
      old_raw: old?.raw ?? null,
      new_value: value,
      note: opts.note,
      who: who(opts.who),
      at,
    });
    const { recheck } = await import('../ingest/ingest.ts'); // loads the rules and the extractor
    const sync = await recheck(store, [report.id], at);
    await writeQueueFile(store, queueFileFor(opts.db));
    process.stderr.write(
      `report #${report.id} ${table}/${row}/${col}: ${old?.value ?? 'null'} → ${value}; rules re-run: ${sync.opened} opened, ${sync.reopened} reopened, ${sync.resolved} resolved\n`,
    );
    return 0;
  });
}
