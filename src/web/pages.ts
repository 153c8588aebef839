// The review desk's pages. Every value from a report goes through `h` (escaped); nianbao's own
// script and style carry the response's nonce.
import type { CoverageRow } from '../coverage/coverage.ts';
import type { Cell } from '../record.ts';
import type { ItemView, QueuePage } from '../review/service.ts';
import { cellText, TABLE_NAMES, type TableGrid } from '../review/table-view.ts';
import type { ReportRow } from '../store/store.ts';
import { h, type Markup, trusted } from './html.ts';

export const LEVELS: Record<string, string> = { hard: '硬性', expected: '预期', plausibility: '合理性' };
export const BLAMES: Record<string, string> = { publisher: '发布者', extraction: '提取', unknown: '不明' };
export const STATUSES: Record<string, string> = { open: '待处理', decided: '已决定', resolved: '已解决', all: '全部' };
export const DECISION_BUTTONS: Array<[string, string]> = [
  ['publisher-error', '发布者错误'],
  ['extraction-error', '提取错误'],
  ['false-alarm', '误报'],
];

const CSS = `
*{box-sizing:border-box}body{font:14px/1.5 "WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:8px 16px;display:flex;gap:18px;align-items:center}
header a{color:#fff;text-decoration:none}header .who{margin-left:auto;opacity:.8}
main{padding:12px 16px}h1{font-size:18px;margin:4px 0 10px}h2{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #d5d9de;padding:3px 6px;vertical-align:top}
th{background:#eef1f4;font-weight:600;text-align:left}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin-bottom:8px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:#555}
.counts a{display:inline-block;margin:0 6px 4px 0;padding:1px 8px;border-radius:10px;background:#e3e8ee;color:#1d232a;text-decoration:none;font-size:12px}
.counts a.on{background:#1f3a5f;color:#fff}
tr.item.sel{outline:2px solid #e08a00;background:#fff7e6}tr.grp td{background:#eef3fa;font-size:12px}
.msg{max-width:560px}.muted{color:#6b7480;font-size:12px}
.hard{color:#b3261e;font-weight:600}.expected{color:#8a5a00}.plausibility{color:#4b5b6b}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
.pane{background:#fff;border:1px solid #d5d9de;padding:8px}
.grid td.hit{background:#ffe08a;outline:2px solid #d00}.grid td.na{background:#f1f1f1}.grid td.num{text-align:right}
.grid td.lbl{max-width:260px}
iframe.source{width:100%;height:640px;border:1px solid #d5d9de;background:#fff}
.pageimg{position:relative;display:inline-block;max-width:100%}.pageimg img{display:block;max-width:100%;height:auto}
.bbox{position:absolute;border:3px solid #d00;background:rgba(255,224,138,.35)}
.crop{position:relative;overflow:hidden;border:1px solid #999;display:inline-block}.crop img{position:absolute;max-width:none}
form.inline{display:inline}.legend span{padding:1px 6px;margin-right:4px}
button{font:inherit;padding:3px 10px;cursor:pointer}.decide button{margin-right:6px}
.err{background:#fde8e6;border:1px solid #e0a39d;padding:8px;margin:8px 0}
.ok{background:#e6f4ea;border:1px solid #9ccfa8;padding:8px;margin:8px 0}
.cov td{text-align:center;min-width:56px}.cov a{text-decoration:none;color:inherit}
.st-complete{background:#cfe8d5}.st-partial{background:#fbe7b5}.st-pre2019{background:#dde3ea}
.st-not_a_report{background:#eadcf2}.st-not_found{background:#f6c9c4}.st-fetch_failed{background:#f19c92}
.kbd{font-size:12px;color:#555}code{background:#eef1f4;padding:0 3px}
`;

export function layout(
  o: { title: string; nonce: string; who?: string | null; script?: string },
  body: Markup,
): string {
  return h`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${o.title} · nianbao</title>
<meta name="referrer" content="same-origin"><style nonce="${o.nonce}">${trusted(CSS)}</style></head>
<body><header><strong>nianbao 审核</strong><a href="/">队列</a><a href="/coverage">覆盖</a>${
    o.who ? h`<span class="who">审核人：${o.who}</span>` : ''
  }</header><main>${body}</main>${o.script ? h`<script nonce="${o.nonce}">${trusted(o.script)}</script>` : ''}</body></html>`
    .html;
}

export const errorBody = (message: string, back?: string): Markup =>
  h`<div class="err">${message}</div>${back ? h`<p><a href="${back}">返回</a></p>` : ''}`;

// ------------------------------------------------------------------ the queue

export interface QueueQuery {
  rule?: string;
  level?: string;
  blame?: string;
  agency?: string;
  region?: string;
  year?: string;
  status?: string;
  page?: number;
}

export const queryString = (q: QueueQuery, over: Partial<QueueQuery> = {}): string => {
  const all = { ...q, ...over };
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(all))
    if (v !== undefined && v !== '' && !(k === 'page' && v === 1)) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

const QUEUE_SCRIPT = `
(() => {
  const rows = [...document.querySelectorAll('tr.item')];
  const form = document.getElementById('triage');
  let i = 0;
  const sel = (k) => { if (!rows.length) return; rows[i].classList.remove('sel'); i = Math.max(0, Math.min(rows.length - 1, k)); rows[i].classList.add('sel'); rows[i].scrollIntoView({block: 'nearest'}); };
  sel(0);
  const as = {'1': 'publisher-error', '2': 'extraction-error', '3': 'false-alarm'};
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input,select,textarea') || e.ctrlKey || e.metaKey || e.altKey || !rows.length) return;
    const r = rows[i];
    if (e.key === 'j') sel(i + 1);
    else if (e.key === 'k') sel(i - 1);
    else if (e.key === 'o' || e.key === 'Enter') location.href = r.dataset.href;
    else if (e.key === 'c') location.href = r.dataset.href + '#correct';
    else if (as[e.key]) { form.querySelector('input[name=item]').value = r.dataset.id + ':' + r.dataset.version; form.querySelector('input[name=as]').value = as[e.key]; form.submit(); }
    else return;
    e.preventDefault();
  });
})();`;

function select(name: string, label: string, value: string | undefined, options: Array<[string, string]>): Markup {
  return h`<label>${label}<select name="${name}">${options.map(
    ([v, t]) => h`<option value="${v}"${v === (value ?? '') ? trusted(' selected') : ''}>${t}</option>`,
  )}</select></label>`;
}

export function queuePage(o: {
  page: QueuePage;
  q: QueueQuery;
  csrf: string;
  nonce: string;
  who: string | null;
  notice?: string | null;
}): string {
  const { page, q } = o;
  const back = `/${queryString(q)}`;
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  const current = Math.floor(page.offset / page.limit) + 1;
  const decideButtons = DECISION_BUTTONS.map(([v, t], k) => h`<button name="as" value="${v}">${k + 1} ${t}</button>`);
  const rows = page.groups.map((g) => {
    const head =
      g.items.length > 1
        ? h`<tr class="grp"><td colspan="7">${g.items.length} 项同组：${g.rule} · ${g.table ? TABLE_NAMES[g.table as 'table3'] : '—'} · ${g.items[0]!.agency ?? '?'} ${g.items[0]!.report_year ?? ''}
<form method="post" action="/decide" class="decide inline">
<input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="back" value="${back}">
${g.items.map((i) => h`<input type="hidden" name="item" value="${`${i.id}:${i.version}`}">`)}
一并决定：${decideButtons}</form></td></tr>`
        : '';
    const items = g.items.map(
      (i) => h`<tr class="item" data-id="${i.id}" data-version="${i.version}" data-href="/items/${i.id}">
<td><a href="/items/${i.id}">#${i.id}</a></td><td>${STATUSES[i.status] ?? i.status}${i.decision ? h`<br><span class="muted">${i.decision}</span>` : ''}</td>
<td>${i.rule}<br><span class="${i.level}">${LEVELS[i.level] ?? i.level}</span></td><td>${BLAMES[i.blame ?? 'unknown'] ?? i.blame}</td>
<td><a href="/reports/${i.report_id}">${i.agency ?? '?'}</a></td><td>${i.report_year ?? '?'}</td><td class="msg">${i.message}</td></tr>`,
    );
    return h`<tbody>${head}${items}</tbody>`;
  });
  const ruleOptions: Array<[string, string]> = [
    ['', '全部'],
    ...page.byRule.map((r): [string, string] => [r.rule, `${r.rule} (${r.n})`]),
  ];
  if (q.rule && !page.byRule.some((r) => r.rule === q.rule)) ruleOptions.push([q.rule, q.rule]);
  const body = h`<h1>审核队列 <span class="muted">${page.total} 项</span></h1>
${o.notice ? h`<div class="ok">${o.notice}</div>` : ''}
<form class="filters" method="get" action="/">
${select('status', '状态', q.status ?? 'open', Object.entries(STATUSES))}
${select('rule', '规则', q.rule, ruleOptions)}
${select('level', '级别', q.level, [['', '全部'], ...Object.entries(LEVELS)])}
${select('blame', '可能责任', q.blame, [['', '全部'], ...Object.entries(BLAMES)])}
<label>机关<input name="agency" value="${q.agency ?? ''}" size="14"></label>
<label>地区代码<input name="region" value="${q.region ?? ''}" size="7"></label>
<label>年度<input name="year" value="${q.year ?? ''}" size="5"></label>
<button>筛选</button></form>
<div class="counts">${page.byRule.map(
    (r) =>
      h`<a class="${q.rule === r.rule ? 'on' : ''}" href="/${queryString(q, { rule: r.rule, page: 1 })}">${r.rule} ${r.n}</a>`,
  )}</div>
<p class="kbd">键盘：<code>j</code>/<code>k</code> 上下，<code>1</code> 发布者错误，<code>2</code> 提取错误，<code>3</code> 误报，<code>c</code> 更正，<code>o</code> 打开</p>
<form id="triage" method="post" action="/decide"><input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="back" value="${back}"><input type="hidden" name="item" value=""><input type="hidden" name="as" value=""></form>
<table id="queue"><thead><tr><th>项</th><th>状态</th><th>规则</th><th>责任</th><th>机关</th><th>年度</th><th>说明</th></tr></thead>${rows}</table>
<p>${current > 1 ? h`<a href="/${queryString(q, { page: current - 1 })}">上一页</a> ` : ''}第 ${current} / ${pages} 页${
    current < pages ? h` <a href="/${queryString(q, { page: current + 1 })}">下一页</a>` : ''
  }</p>`;
  return layout({ title: '审核队列', nonce: o.nonce, who: o.who, script: QUEUE_SCRIPT }, body);
}

// ------------------------------------------------------------------ an item

export function gridTable(g: TableGrid, opts: { selected?: string } = {}): Markup {
  return h`<table class="grid"><thead><tr><th>${TABLE_NAMES[g.table]}${g.version ? h` <span class="muted">${g.version}</span>` : ''}</th>${g.cols.map(
    (c) => h`<th>${c.label}</th>`,
  )}</tr></thead><tbody>${g.rows
    .filter((r) => r.cells.some((c) => c.applies && c.cell) || r.cells.some((c) => c.involved))
    .map(
      (r) =>
        h`<tr><td class="lbl">${r.label}</td>${r.cells.map((c) =>
          !c.applies
            ? h`<td class="na"></td>`
            : h`<td class="${[c.involved ? 'hit' : '', c.cell?.kind === 'number' ? 'num' : ''].join(' ').trim()}" title="${c.cell ? `原文：${c.cell.raw}` : '未印出'}"${
                `${g.table}|${r.key}|${c.col}` === opts.selected ? trusted(' id="selected-cell"') : ''
              }>${cellText(c.cell)}${c.cell?.corrected ? '✎' : ''}</td>`,
        )}</tr>`,
    )}</tbody></table>`;
}

export type SourcePane =
  | { kind: 'frame'; src: string }
  | {
      kind: 'page';
      src: string;
      /** the box in percent of the image: left, top, width, height */
      box: [number, number, number, number] | null;
      page: number;
      crop?: {
        src: string;
        width: number;
        height: number;
        left: number;
        top: number;
        imgWidth: number;
        confidence: number | null;
      };
    }
  | { kind: 'none'; why: string };

function sourcePane(pane: SourcePane, nonce: string): { body: Markup; style: string } {
  if (pane.kind === 'frame')
    return {
      body: h`<iframe class="source" sandbox="" referrerpolicy="no-referrer" src="${pane.src}" title="原文"></iframe>`,
      style: '',
    };
  if (pane.kind === 'none') return { body: h`<p class="muted">${pane.why}</p>`, style: '' };
  const [l, t, w, hgt] = pane.box ?? [0, 0, 0, 0];
  const style = pane.box ? `#bbox{left:${l}%;top:${t}%;width:${w}%;height:${hgt}%}` : '';
  const crop = pane.crop;
  const cropStyle = crop
    ? `.crop{width:${crop.width}px;height:${crop.height}px}.crop img{left:${-crop.left}px;top:${-crop.top}px;width:${crop.imgWidth}px}`
    : '';
  void nonce;
  return {
    body: h`${crop ? h`<p>OCR 读取：<span class="crop"><img src="${crop.src}" alt="单元格原图"></span> 置信度 ${crop.confidence === null ? '—' : `${Math.round(crop.confidence * 100)}%`}</p>` : ''}
<p class="muted">第 ${pane.page} 页</p><div class="pageimg"><img src="${pane.src}" alt="第 ${pane.page} 页">${pane.box ? trusted('<div class="bbox" id="bbox"></div>') : ''}</div>`,
    style: style + cropStyle,
  };
}

const ITEM_SCRIPT = `
(() => {
  const as = {'1': 'publisher-error', '2': 'extraction-error', '3': 'false-alarm'};
  const f = document.getElementById('decide');
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input,select,textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (as[e.key] && f) { f.querySelector('button[value="' + as[e.key] + '"]').click(); e.preventDefault(); }
    else if (e.key === 'c') { const c = document.querySelector('#correct input[name=value]'); if (c) { c.focus(); e.preventDefault(); } }
  });
  const b = document.getElementById('bbox'); if (b) b.scrollIntoView({block: 'center'});
})();`;

export function itemPage(o: {
  v: ItemView;
  csrf: string;
  nonce: string;
  who: string | null;
  selected: number;
  pane: SourcePane;
  notice?: string | null;
}): string {
  const { v } = o;
  const f = v.finding;
  const sel = v.involved[o.selected];
  const selKey = sel ? sel.ref.join('|') : undefined;
  const pane = sourcePane(o.pane, o.nonce);
  const back = `/items/${v.item.id}${o.selected ? `?cell=${o.selected}` : ''}`;
  const cellLine = (c: Cell | null) =>
    c
      ? h`原文 <code>${c.raw}</code> → ${c.kind === 'number' ? String(c.value) : c.kind}${c.unit ? h` ${c.unit}` : ''}${
          c.corrected
            ? h` <span class="muted">（已更正，提取值 ${String(c.corrected.extracted_value ?? '空')}）</span>`
            : ''
        }`
      : h`<span class="muted">文档中没有此单元格</span>`;
  const body = h`<h1>审核项 #${v.item.id} · ${f.rule} <span class="${f.level}">${LEVELS[f.level] ?? f.level}</span> · ${STATUSES[v.item.status] ?? v.item.status}${
    v.item.decision ? h`（${v.item.decision}）` : ''
  }</h1>
${o.notice ? h`<div class="ok">${o.notice}</div>` : ''}
<div class="cols"><div>
<div class="pane"><p id="message"><strong>${v.message}</strong></p>
<p>左 ${f.left ?? '—'} · 右 ${f.right ?? '—'} · 差 ${f.delta ?? '—'} · 可能责任：${BLAMES[f.blame] ?? f.blame}</p>
${f.inferred?.length ? h`<p class="muted">空白按 0 计：${f.inferred.map((c) => c.join('/')).join('，')}</p>` : ''}
<p class="muted">${v.reportRow ? h`<a href="/reports/${v.reportRow.id}">${v.report?.agency ?? '?'} ${v.report?.report_year ?? ''} — ${v.report?.title ?? '（无标题）'}</a>` : ''}
${v.source ? h` · ${v.source.media} · ${v.source.path ?? v.source.url ?? ''}` : ''}</p></div>
${v.tables.map((g) => h`<h2>${TABLE_NAMES[g.table]}</h2>${gridTable(g, { selected: selKey })}`)}
<h2>涉及的单元格</h2><ol>${v.involved.map(
    (inv, k) =>
      h`<li${k === o.selected ? trusted(' class="sel"') : ''}><a href="/items/${v.item.id}?cell=${k}">${inv.name}</a>：${cellLine(inv.cell)} <span class="muted">${inv.where}</span></li>`,
  )}</ol>
<h2>决定</h2>
${
  v.item.status === 'resolved'
    ? h`<p class="muted">此项已解决（发现不再成立），无需决定。</p>`
    : h`<form id="decide" class="decide" method="post" action="/decide"><input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="item" value="${`${v.item.id}:${v.version}`}"><input type="hidden" name="back" value="${back}">
<p><input name="note" placeholder="说明（可选）" size="40"></p>${DECISION_BUTTONS.map(
        ([val, t], k) => h`<button name="as" value="${val}">${k + 1} ${t}</button>`,
      )}</form>`
}
<h2 id="correct">更正单元格</h2>
${v.involved.map(
  (inv) => h`<form method="post" action="/correct" class="correct"><input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="report" value="${v.item.report_id}"><input type="hidden" name="table" value="${inv.ref[0]}">
<input type="hidden" name="row" value="${inv.ref[1]}"><input type="hidden" name="col" value="${inv.ref[2]}"><input type="hidden" name="back" value="${back}">
${inv.name} <input name="value" size="8" placeholder="${inv.cell?.value ?? ''}" required> <input name="note" size="24" placeholder="原因（必填）" required> <button>更正</button></form>`,
)}
<h2>历史</h2><ul id="history">${v.history.map(
    (e) =>
      h`<li>${e.at} ${e.event}${e.decision ? h` ${e.decision}` : ''}${e.who ? h` · ${e.who}` : ''}${e.note ? h` — ${e.note}` : ''}</li>`,
  )}</ul>
</div><div class="pane" id="source"><h2>原文位置${sel ? h`：${sel.name}` : ''}</h2>${pane.body}</div></div>`;
  const page = layout({ title: `审核项 #${v.item.id}`, nonce: o.nonce, who: o.who, script: ITEM_SCRIPT }, body);
  return pane.style ? page.replace('</style>', `${pane.style}</style>`) : page;
}

// ------------------------------------------------------------------ a report

export function reportPage(o: {
  r: Awaited<ReturnType<import('../review/service.ts').ReviewService['report']>>;
  nonce: string;
  who: string | null;
}): string {
  const { report, record, tables, items, copies, corrections } = o.r;
  const rep = record?.report;
  const body = h`<h1>报告 #${report.id}：${report.agency ?? '?'} ${report.report_year ?? ''}</h1>
<table><tbody>
<tr><th>标识</th><td><code>${report.report_key}</code></td></tr>
<tr><th>标题</th><td>${report.title ?? '—'}</td></tr>
<tr><th>类别</th><td>${report.kind} · 范围 ${report.scope ?? '—'}</td></tr>
${
  rep
    ? h`<tr><th>发布日期</th><td>${rep.publish_date ?? '—'}${rep.publish_date_source ? h` <span class="muted">(${rep.publish_date_source})</span>` : ''}</td></tr>
<tr><th>索引号</th><td>${rep.index_no ?? '—'}</td></tr>
<tr><th>年度来源</th><td>${rep.year_source ?? '—'}</td></tr>
<tr><th>格式</th><td>${Object.entries(rep.format_version)
        .map(([t, ver]) => `${TABLE_NAMES[t as 'table2']} ${ver ?? '—'}`)
        .join('，')}</td></tr>
<tr><th>未读出的表</th><td>${rep.tables_missing.length ? rep.tables_missing.map((t) => TABLE_NAMES[t]).join('，') : '无'}</td></tr>`
    : ''
}
</tbody></table>
<h2>副本与提取</h2><table><thead><tr><th>运行</th><th>解析器版本</th><th>媒介</th><th>大小</th><th>sha256</th><th>位置</th><th>时间</th></tr></thead><tbody>${copies.map(
    (c) =>
      h`<tr><td>${c.run_id}${c.run_id === report.current_run_id ? ' (当前)' : ''}</td><td>${c.parser_version}</td><td>${c.media}</td><td>${c.size}</td><td><a href="${copyHref(c.sha256, c.media)}"><code>${c.sha256.slice(0, 12)}…</code></a></td><td>${c.locations.map((l) => h`<div>${l}</div>`)}</td><td>${c.created_at}</td></tr>`,
  )}</tbody></table>
<h2>发现 (${items.length})</h2><table><tbody>${items.map(
    (i) =>
      h`<tr><td><a href="/items/${i.id}">#${i.id}</a></td><td>${STATUSES[i.status] ?? i.status}</td><td>${i.rule}</td><td class="msg">${i.message}</td></tr>`,
  )}</tbody></table>
${corrections.length ? h`<h2>更正</h2><ul>${corrections.map((c) => h`<li>${c.at} ${c.tbl}/${c.row_key}/${c.col_key}: ${c.old_value ?? '空'} → ${c.new_value} · ${c.who} — ${c.note}${c.superseded_by ? '（已被取代）' : ''}</li>`)}</ul>` : ''}
${tables.map((g) => h`<h2>${TABLE_NAMES[g.table]}</h2>${gridTable(g)}`)}`;
  return layout({ title: `报告 #${report.id}`, nonce: o.nonce, who: o.who }, body);
}

/** Where a copy can be seen: the inert view (HTML, text, Word) or its first page drawn (PDF). */
const copyHref = (sha: string, media: string): string =>
  media === 'pdf' ? `/documents/${sha}/page/1.png` : `/documents/${sha}/view`;

// ------------------------------------------------------------------ coverage

export const COVERAGE_LABELS: Record<string, string> = {
  complete: '完整',
  partial: '部分',
  pre2019: '2019年前',
  not_a_report: '非年报',
  not_found: '未找到',
  fetch_failed: '抓取失败',
};

export function coveragePage(o: { rows: CoverageRow[]; nonce: string; who: string | null }): string {
  const years = [...new Set(o.rows.map((r) => r.year))].sort((a, b) => a - b);
  const bodies = [...new Set(o.rows.map((r) => r.body))];
  const at = new Map(o.rows.map((r) => [`${r.body}|${r.year}`, r]));
  const counts = new Map<string, number>();
  for (const r of o.rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const body = h`<h1>覆盖 <span class="muted">${bodies.length} 个机关 × ${years.length} 个年度</span></h1>
<p class="legend">${[...counts].map(([s, n]) => h`<span class="st-${s}">${COVERAGE_LABELS[s] ?? s} ${n}</span>`)}</p>
<table class="cov"><thead><tr><th>机关</th>${years.map((y) => h`<th>${y}</th>`)}</tr></thead><tbody>${bodies.map(
    (b) =>
      h`<tr><th>${b}</th>${years.map((y) => {
        const r = at.get(`${b}|${y}`);
        if (!r) return h`<td class="muted">—</td>`;
        const label = COVERAGE_LABELS[r.status] ?? r.status;
        return h`<td class="st-${r.status}" title="${r.detail ?? ''}">${
          r.report_id !== null ? h`<a href="/reports/${r.report_id}">${label}</a>` : label
        }</td>`;
      })}</tr>`,
  )}</tbody></table>`;
  return layout({ title: '覆盖', nonce: o.nonce, who: o.who }, body);
}

export function loginPage(o: { nonce: string; csrf: string; error?: string }): string {
  return layout(
    { title: '登录', nonce: o.nonce },
    h`<h1>登录</h1>${o.error ? h`<div class="err">${o.error}</div>` : ''}<form method="post" action="/login">
<input type="hidden" name="csrf" value="${o.csrf}"><p><label>令牌 <input type="password" name="token" required></label></p>
<p><label>审核人 <input name="name" placeholder="姓名"></label></p><button>登录</button></form>`,
  );
}

export type { ReportRow };
