// `nianbao review list|show|decide|correct`: the auditor's side of the queue, in the terminal.
// Thin over the review service (src/review/service.ts), which the web desk calls too.
import { userInfo } from 'node:os';
import type { ReportRecord, TableId } from '../record.ts';
import { findingOf, itemJson, ReviewService } from '../review/service.ts';
import { cellText, tableGrid, TABLE_NAMES, type TableGrid } from '../review/table-view.ts';
import { queueFileFor } from '../store/paths.ts';
import type { ReviewFilter } from '../store/store.ts';
import { escapeControls, safeJson } from '../safe-text.ts';
import { stdoutOutput } from './output.ts';
import { openStore } from '../store/open.ts';

export const who = (w?: string) => w || process.env.NIANBAO_USER || userInfo().username;

async function withService<T>(db: string, fn: (s: ReviewService) => Promise<T>): Promise<T> {
  const store = await openStore(db, { mustExist: true });
  try {
    return await fn(new ReviewService(store, queueFileFor(db)));
  } finally {
    await store.close();
  }
}

export async function reviewList(opts: {
  db: string;
  rule?: string;
  agency?: string;
  year?: number;
  status?: string;
  json?: boolean;
}): Promise<number> {
  const status = (opts.status ?? 'open') as ReviewFilter['status'];
  if (!['open', 'decided', 'resolved', 'all'].includes(status!))
    throw new Error(`--status must be open, decided, resolved or all (got ${opts.status})`);
  const items = await withService(opts.db, (s) =>
    s.list({ rule: opts.rule, agency: opts.agency, year: opts.year, status }),
  );
  const out = stdoutOutput();
  if (opts.json) {
    await out.write(`${safeJson(items.map(itemJson), 1)}\n`);
    return 0;
  }
  for (const i of items) {
    const f = findingOf(i);
    // Tab-separated fields, each escaped: a document's text can neither drive the terminal nor add a column or a line.
    const fields = [
      `#${i.id}`,
      `${i.status}${i.decision ? `(${i.decision})` : ''}`,
      i.rule,
      i.level,
      i.agency ?? '?',
      String(i.report_year ?? '?'),
      f.message,
    ];
    await out.write(`${fields.map(escapeControls).join('\t')}\n`);
  }
  process.stderr.write(`${items.length} item(s)\n`);
  return 0;
}

/** One table in the official row order, involved cells marked with » «. */
export function renderTable(record: ReportRecord, table: TableId, involved: Set<string>): string {
  return renderGrid(tableGrid(record, table, involved));
}

export function renderGrid(grid: TableGrid): string {
  const cell = (g: (typeof grid.rows)[number]['cells'][number]) => {
    const mark = g.involved;
    return `${mark ? '»' : ' '}${cellText(g.cell)}${g.cell?.corrected ? '✎' : ''}${mark ? '«' : ' '}`;
  };
  // Columns are 12 terminal cells wide: six full-width characters, or twelve ASCII ones.
  const width = 12;
  const label = (s: string) => (s.length > 22 ? `${s.slice(0, 21)}…` : s).padEnd(23, '　');
  const lines = [`${label('')}${grid.cols.map((c) => c.label.slice(0, width / 2).padEnd(width / 2, '　')).join('')}`];
  for (const r of grid.rows) {
    if (!r.cells.some((c) => c.applies && c.cell)) continue;
    lines.push(`${label(r.label)}${r.cells.map((c) => (c.applies ? cell(c) : '').padEnd(width)).join('')}`);
  }
  return lines.join('\n');
}

export async function reviewShow(id: number, opts: { db: string; json?: boolean }): Promise<number> {
  return withService(opts.db, async (service) => {
    const v = await service.show(id);
    const stdout = stdoutOutput();
    if (opts.json) {
      await stdout.write(`${safeJson(ReviewService.showJson(v), 1)}\n`);
      return 0;
    }
    const { item, finding: f } = v;
    const out: string[] = [];
    out.push(
      `Review item #${item.id} [${item.status}${item.decision ? `: ${item.decision}` : ''}]  ${f.rule} (${f.level})  likely at fault: ${f.blame}`,
    );
    out.push(`  ${f.message}`);
    if (f.left !== null || f.right !== null)
      out.push(`  left ${f.left ?? '—'}  right ${f.right ?? '—'}  difference ${f.delta ?? '—'}`);
    if (f.inferred?.length) out.push(`  blanks inferred as 0: ${f.inferred.map((c) => c.join('/')).join(', ')}`);
    if (v.report && v.source && v.reportRow) {
      const r = v.report;
      out.push(
        '',
        `Report #${v.reportRow.id}: ${r.agency ?? '?'} ${r.report_year ?? '?'} — ${r.title ?? '(no title)'}`,
      );
      out.push(
        `  kind ${r.kind}; formats ${Object.entries(r.format_version)
          .map(([t, ver]) => `${t} ${ver ?? '—'}`)
          .join(', ')}; published ${r.publish_date ?? '?'}; scope ${r.scope}`,
      );
      out.push(
        `  document ${v.source.path ?? v.source.url ?? '?'} (${v.source.media}, sha256 ${v.source.sha256.slice(0, 12)}…)`,
      );
      for (const g of v.tables)
        out.push('', `${TABLE_NAMES[g.table]} (${g.table}, »marked« = involved, ✎ = corrected):`, renderGrid(g));
      if (f.cells.length) out.push('', 'Involved cells:');
      for (const inv of v.involved) {
        const [t, r2, c] = inv.ref;
        const cell = inv.cell;
        out.push(
          `  ${t}/${r2}/${c}: ${cell ? `raw ${JSON.stringify(cell.raw)} → ${cell.kind} ${cell.value ?? 'null'}${cell.corrected ? ` (corrected from ${cell.corrected.extracted_value ?? 'null'})` : ''}; ${inv.where}` : 'not in the document'}`,
        );
      }
    }
    out.push('', 'History:');
    for (const e of v.history)
      out.push(
        `  ${e.at}  ${e.event}${e.decision ? ` ${e.decision}` : ''}${e.who ? ` by ${e.who}` : ''}${e.note ? ` — ${e.note}` : ''}`,
      );
    // Line by line, each escaped: record text (titles, raw cells, notes) cannot drive the terminal.
    await stdout.write(
      `${out
        .flatMap((l) => l.split('\n'))
        .map(escapeControls)
        .join('\n')}\n`,
    );
    return 0;
  });
}

export async function reviewDecide(
  id: number,
  opts: { db: string; as: string; note?: string; who?: string; expect?: string },
): Promise<number> {
  return withService(opts.db, async (service) => {
    const [item] = await service.decide([{ id, expected: opts.expect ?? null }], {
      as: opts.as,
      note: opts.note ?? null,
      who: who(opts.who),
    });
    process.stderr.write(`#${item!.id} decided: ${opts.as}\n`);
    return 0;
  });
}

export async function reviewCorrect(
  reportArg: string,
  table: string,
  row: string,
  col: string,
  valueArg: string,
  opts: { db: string; note: string; who?: string },
): Promise<number> {
  return withService(opts.db, async (service) => {
    const r = await service.correct(reportArg, { table, row, col }, valueArg, { note: opts.note, who: who(opts.who) });
    process.stderr.write(
      `report #${r.report.id} ${table}/${row}/${col}: ${r.old?.value ?? 'null'} → ${r.value}; rules re-run: ${r.sync.opened} opened, ${r.sync.reopened} reopened, ${r.sync.resolved} resolved\n`,
    );
    return 0;
  });
}
