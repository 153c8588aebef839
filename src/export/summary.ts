// `nianbao summary`: one static HTML page of SVG charts drawn on the server by echarts (no script,
// opens offline). `renderSummaryHtml(store)` is what the web desk serves at /summary.
import * as echarts from 'echarts';
import { division } from '../bodies/divisions.ts';
import { ensureBodies } from '../bodies/resolve.ts';
import { computeCoverage } from '../coverage/coverage.ts';
import type { Store } from '../store/store.ts';
import { reportPages, reportRows } from './layouts.ts';

const W = 760;
const H = 340;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function svg(option: echarts.EChartsCoreOption, height = H): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: W, height });
  chart.setOption({ animation: false, textStyle: { fontFamily: 'WenQuanYi Micro Hei, sans-serif' }, ...option });
  const out = chart.renderToSVGString();
  chart.dispose();
  return out;
}

const inc = <K>(m: Map<K, number>, k: K, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

/** What the page shows, gathered page by page from the `reports` and `findings` data. */
export interface SummaryData {
  years: number[];
  byYearFormat: Map<string, Map<number, number>>;
  requests: Map<string, Map<number, number>>;
  /** reports per year with a printed table-3 total (what the request sums stand on) */
  requestReports: Map<number, number>;
  publication: Map<string, Map<number, number>>;
  findingsByRule: Map<string, number>;
  coverage: Map<string, Map<number, number>>;
  reports: number;
}

const REQUEST_SERIES: Array<[string, string]> = [
  ['t3_new_received_total', '新收申请 received'],
  ['t3_results_granted_total', '予以公开 granted'],
  ['t3_results_partially_granted_total', '部分公开 partly granted'],
  ['t3_results_total_total', '办理结果总计 answered'],
];

export async function summaryData(store: Store): Promise<SummaryData> {
  await ensureBodies(store);
  const d: SummaryData = {
    years: [],
    byYearFormat: new Map(),
    requests: new Map(REQUEST_SERIES.map(([, l]) => [l, new Map()])),
    requestReports: new Map(),
    publication: new Map(['on time', 'late', 'date unknown'].map((k) => [k, new Map()])),
    findingsByRule: new Map(),
    coverage: new Map(),
    reports: 0,
  };
  const years = new Set<number>();
  for await (const page of reportPages(store, {})) {
    for (const row of await reportRows(store, page)) {
      const y = row.report_year as number | null;
      if (y === null) continue;
      years.add(y);
      d.reports++;
      const fmt =
        row.kind !== 'ogi_annual_report'
          ? String(row.kind)
          : String(row.format_table3 ?? row.format_table2 ?? 'tables not read');
      inc(d.byYearFormat.get(fmt) ?? d.byYearFormat.set(fmt, new Map()).get(fmt)!, y);
      if (row.kind !== 'ogi_annual_report') continue;
      if (row.t3_new_received_total !== null) inc(d.requestReports, y);
      for (const [col, label] of REQUEST_SERIES)
        if (typeof row[col] === 'number') inc(d.requests.get(label)!, y, row[col] as number);
      const pub = row.published_on_time === null ? 'date unknown' : row.published_on_time ? 'on time' : 'late';
      inc(d.publication.get(pub)!, y);
    }
    for (const f of await store.findingsOfReports(page.map((p) => p.report.id)))
      if (f.status === 'fail') inc(d.findingsByRule, f.rule);
  }
  for (const c of await computeCoverage(store)) {
    const body = c.report_id !== null ? await store.report(c.report_id) : null;
    const b = body?.body_id ? await store.body(body.body_id) : await store.bodyByName(c.body);
    const code = b?.region_code ? `${b.region_code.slice(0, 4)}00` : null;
    const region = code
      ? (division(code)?.name ?? division(`${code.slice(0, 2)}0000`)?.name ?? code)
      : '(region unknown)';
    if (c.status === 'complete' || c.status === 'partial') {
      years.add(c.year);
      inc(d.coverage.get(region) ?? d.coverage.set(region, new Map()).get(region)!, c.year);
    }
  }
  d.years = [...years].sort((a, b) => a - b);
  return d;
}

const series = (m: Map<string, Map<number, number>>, years: number[], type: 'bar' | 'line', stack?: string) =>
  [...m.entries()].map(([name, byYear]) => ({
    name,
    type,
    ...(stack ? { stack } : {}),
    data: years.map((y) => byYear.get(y) ?? 0),
  }));

const axes = (years: number[]) => ({
  grid: { left: 60, right: 20, top: 50, bottom: 40 },
  legend: { top: 10 },
  xAxis: { type: 'category', data: years.map(String) },
  yAxis: { type: 'value', minInterval: 1 },
});

export function renderCharts(d: SummaryData): Array<{ id: string; title: string; note: string; svg: string }> {
  const regions = [...d.coverage.keys()].sort();
  const heat: Array<[number, number, number]> = [];
  regions.forEach((r, i) => {
    d.years.forEach((y, j) => {
      const n = d.coverage.get(r)!.get(y);
      if (n) heat.push([j, i, n]);
    });
  });
  const rules = [...d.findingsByRule.entries()].sort((a, b) => b[1] - a[1]);
  return [
    {
      id: 'reports-by-year',
      title: 'Reports per year and table format',
      note: 'One report per body and year (the copies of one report count once).',
      svg: svg({ ...axes(d.years), series: series(d.byYearFormat, d.years, 'bar', 'f') }),
    },
    {
      id: 'coverage',
      title: 'Coverage: reports with tables read, by region × year',
      note: 'Regions are prefectures (or provinces) of the bodies’ GB/T 2260 codes. An empty square is no data, not zero.',
      svg: svg(
        {
          grid: { left: 150, right: 30, top: 30, bottom: 70 },
          xAxis: { type: 'category', data: d.years.map(String), splitArea: { show: true } },
          yAxis: { type: 'category', data: regions, splitArea: { show: true } },
          visualMap: {
            min: 0,
            max: Math.max(1, ...heat.map((h) => h[2])),
            orient: 'horizontal',
            left: 'center',
            bottom: 5,
            calculable: false,
          },
          series: [{ type: 'heatmap', data: heat, label: { show: true } }],
        },
        Math.max(H, 80 + regions.length * 28),
      ),
    },
    {
      id: 'requests',
      title: 'Requests received and outcomes by year (table 3, totals column)',
      note: `Sums over reports that print the value; reports with a printed 新收申请 total per year: ${d.years
        .map((y) => `${y}: ${d.requestReports.get(y) ?? 0}`)
        .join(', ')}.`,
      svg: svg({ ...axes(d.years), series: series(d.requests, d.years, 'bar') }),
    },
    {
      id: 'findings',
      title: 'Failed findings by rule',
      note: 'Every failed check, before review (the findings layout has the review decisions).',
      svg: svg(
        {
          grid: { left: 80, right: 30, top: 20, bottom: 30 },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: { type: 'category', data: rules.map((r) => r[0]).reverse() },
          series: [
            {
              type: 'bar',
              barMaxWidth: 28,
              data: rules.map((r) => r[1]).reverse(),
              label: { show: true, position: 'right' },
            },
          ],
        },
        Math.max(160, 60 + rules.length * 26),
      ),
    },
    {
      id: 'late',
      title: 'Publication by the statutory deadline (第四十九条), by report year',
      note: 'Departments by 31 January, governments by 31 March of the following year; “date unknown” when the report prints no date.',
      svg: svg({
        ...axes(d.years),
        color: ['#3a9b5c', '#d9534f', '#9e9e9e'], // on time, late, date unknown
        series: series(d.publication, d.years, 'bar', 'p'),
      }),
    },
  ];
}

export async function renderSummaryHtml(store: Store): Promise<string> {
  const d = await summaryData(store);
  const charts = renderCharts(d);
  const body = charts
    .map(
      (c) =>
        `<section id="${c.id}"><h2>${esc(c.title)}</h2><p class="note">${esc(c.note)}</p><div class="chart">${c.svg}</div></section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>nianbao summary</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>body{font-family:"WenQuanYi Micro Hei",sans-serif;margin:2em auto;max-width:820px;color:#222}h2{font-size:1.1em;margin-top:2em}.note{color:#555;font-size:.9em}.chart svg{max-width:100%;height:auto}</style>
</head><body>
<h1>政府信息公开工作年度报告 · nianbao summary</h1>
<p>${d.reports} reports in the store, years ${d.years.length ? `${d.years[0]}–${d.years.at(-1)}` : '—'}. Generated ${esc(new Date().toISOString())}.</p>
${body}
</body></html>
`;
}
