// Report renderer, part 2: layout → HTML (official template with rowspan/colspan), tab text
// like a copy from Word, and crawler dumps with one cell per line.
import iconv from 'iconv-lite';
import {
  layoutTable2,
  layoutTable3,
  layoutTable4,
  labelText,
  PLAIN,
  type FixtureReport,
  type LTable,
  type Variation,
} from './layout.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function title(r: FixtureReport): string {
  return `${r.agency}${r.year}年政府信息公开工作年度报告`;
}

function intro(r: FixtureReport): string[] {
  return [
    '一、总体情况',
    `${r.year}年，${r.agency}认真贯彻落实《中华人民共和国政府信息公开条例》，本年度报告中所列数据统计期限为${r.year}年1月1日至12月31日。`,
  ];
}
const SECTIONS = [
  '二、主动公开政府信息情况',
  '三、收到和处理政府信息公开申请情况',
  '四、政府信息公开行政复议、行政诉讼情况',
];
const OUTRO = [
  '五、存在的主要问题及改进情况',
  '一是公开内容还需细化，将持续改进。',
  '六、其他需要报告的事项',
  '本年度未收取信息处理费。',
];

function htmlTable(t: LTable): string {
  const rows = t.map(
    (row) =>
      `<tr>${row
        .map((c) => {
          const attrs = `${c.rowspan && c.rowspan > 1 ? ` rowspan="${c.rowspan}"` : ''}${c.colspan && c.colspan > 1 ? ` colspan="${c.colspan}"` : ''}`;
          const body = c.key && c.text === '' ? '&nbsp;' : esc(c.text);
          return `<td${attrs}><p align="center"><span style="font-family:宋体">${body}</span></p></td>`;
        })
        .join('')}</tr>`,
  );
  return `<table border="1" cellspacing="0"><tbody>${rows.join('\n')}</tbody></table>`;
}

export function renderHtml(
  r: FixtureReport,
  v: Variation = PLAIN,
  opts: { charset?: 'utf-8' | 'gbk'; metaCharset?: boolean } = {},
): Uint8Array {
  const charset = opts.charset ?? 'utf-8';
  const p = (s: string) => `<p>${esc(s)}</p>`;
  const html = [
    `<!DOCTYPE html><html><head>${opts.metaCharset === false ? '' : `<meta http-equiv="Content-Type" content="text/html; charset=${charset}">`}<title>${esc(title(r))}_${esc(r.agency)}</title></head><body>`,
    `<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>`,
    `<h1>${esc(title(r))}</h1>`,
    `<div class="info"><span>发布时间：${r.year + 1}-01-20 10:30</span><span>来源：${esc(r.agency)}</span></div>`,
    ...intro(r).map(p),
    p(SECTIONS[0]!),
    htmlTable(layoutTable2(r, v)),
    p(SECTIONS[1]!),
    htmlTable(layoutTable3(r, v)),
    p(SECTIONS[2]!),
    htmlTable(layoutTable4(r, v)),
    ...OUTRO.map(p),
    `<p style="text-align:right">${esc(r.agency)}</p><p style="text-align:right">${r.year + 1}年1月18日</p>`,
    '</body></html>',
  ].join('\n');
  return charset === 'gbk' ? iconv.encode(html, 'gbk') : new TextEncoder().encode(html);
}

/** Tab-separated text like a copy from Word: each row's cells with tabs for the merged columns. */
function tabTable(t: LTable, thousands: boolean): string[] {
  return t.map((row) =>
    row.map((c) => (c.key ? formatValue(c.text, thousands) : c.text) + '\t'.repeat((c.colspan ?? 1) - 1)).join('\t'),
  );
}

/** Space-aligned text like pdftotext -layout: cells padded to columns with runs of spaces. */
function spacedTable(t: LTable): string[] {
  return t.map((row) =>
    row
      .filter((c) => c.text !== '')
      .map((c) => c.text.padEnd(c.key ? 6 : 12, ' '))
      .join('   ')
      .trimEnd(),
  );
}

/** The report as plain text, each table laid out by `table` (space-aligned, tab-separated …). */
function renderText(r: FixtureReport, v: Variation, table: (x: LTable) => string): string {
  return [
    title(r),
    '',
    ...intro(r),
    '',
    SECTIONS[0],
    table(layoutTable2(r, v)),
    '',
    SECTIONS[1],
    table(layoutTable3(r, v)),
    '',
    SECTIONS[2],
    table(layoutTable4(r, v)),
    '',
    ...OUTRO,
  ].join('\n');
}

export function renderSpacedText(r: FixtureReport, v: Variation = PLAIN): string {
  return renderText(r, v, (x) => spacedTable(x).join('\n'));
}

const formatValue = (raw: string, thousands: boolean) =>
  thousands && /^\d{4,}$/.test(raw) ? Number(raw).toLocaleString('en-US') : raw;

export function renderTabText(r: FixtureReport, v: Variation = PLAIN, opts: { thousands?: boolean } = {}): string {
  return renderText(r, v, (x) => tabTable(x, opts.thousands ?? false).join('\n'));
}

/**
 * A crawler text dump: one cell per line, long labels split over two lines. Blank cells cannot
 * survive this form (an empty line is dropped), so fixtures for it print every cell.
 */
export function renderDump(
  r: FixtureReport,
  v: Variation = PLAIN,
  opts: { splitLabels?: boolean; crlf?: boolean } = {},
): string {
  const lines: string[] = [`标题：${title(r)}`, `发布时间：${r.year + 1}-02-01`, '', title(r), ...intro(r)];
  const dump = (t: LTable) => {
    for (const row of t)
      for (const c of row) {
        if (c.text === '') continue;
        if (!c.key && opts.splitLabels && c.text.length >= 6) lines.push(c.text.slice(0, 3), c.text.slice(3));
        else lines.push(c.text);
      }
  };
  lines.push(SECTIONS[0]!);
  dump(layoutTable2(r, v));
  lines.push(SECTIONS[1]!);
  dump(layoutTable3(r, v));
  lines.push(SECTIONS[2]!);
  dump(layoutTable4(r, v));
  lines.push(...OUTRO);
  return lines.join(opts.crlf ? '\r\n' : '\n');
}

export { labelText };
