// A simulated government site on 127.0.0.1: a paginated 年报 column (GBK, charset only in <meta>),
// report pages rendered from generated records, attachments, robots.txt, ETag / Last-Modified.
// Used by `nianbao demo` and by the crawler tests (which add their own routes for error cases).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { layoutKeys, PLAIN, type FixtureReport, type Version } from './layout.ts';
import { renderHtml } from './render.ts';

export interface SiteReport extends FixtureReport {
  /** Serve the report as an attachment linked from a short report page. */
  attachment?: boolean;
}

export interface SiteOptions {
  reports: SiteReport[];
  perPage?: number;
  robots?: string;
  /** Milliseconds before answering (a slow server), per path. */
  latency?: (path: string) => number;
  /** Add calendar-trap links to the list pages. */
  trap?: boolean;
  /** Extra routes, checked first: return true when handled. */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  column?: string;
  /** The loopback address to listen on (default 127.0.0.1; on Linux all of 127.0.0.0/8 binds). */
  host?: string;
}

export interface RequestRecord {
  path: string;
  at: number;
  /** When the response was finished (the request is in flight from `at` to `doneAt`). */
  doneAt?: number;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  userAgent: string | null;
}

export interface Site {
  origin: string;
  entry: string;
  requests: RequestRecord[];
  /** Replace a report's content (a republished version) or remove it (withdrawn). */
  update(i: number, report: SiteReport | null): void;
  close(): Promise<void>;
}

const LAST_MODIFIED = 'Mon, 05 Jan 2026 08:00:00 GMT';
const page = (title: string, body: string) =>
  `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>${title}</title></head><body>${body}</body></html>`;

/** Generated reports for the demo: several bodies and years, both formats, a few publisher slips. */
export function demoReports(count = 12): SiteReport[] {
  const agencies = ['示例市司法局', '示例市林业局', '示例市人民政府', '示例县人民政府'];
  return Array.from({ length: count }, (_, i) => {
    const agency = agencies[i % agencies.length]!;
    const year = 2019 + Math.floor(i / agencies.length) * 2 + (i % 2);
    const version: Version = year >= 2021 ? 'v2021' : 'v2019';
    const cells = new Map(layoutKeys(version).map((k) => [k, '0']));
    const n = 3 + i;
    for (const col of ['natural_person', 'total']) {
      cells.set(`table3|new_received|${col}`, String(n));
      cells.set(`table3|results.granted|${col}`, String(n - 1));
      cells.set(`table3|results.total|${col}`, String(n - 1));
      cells.set(`table3|carried_forward|${col}`, '1');
    }
    cells.set('table4|review|upheld', '1');
    cells.set('table4|review|total', i % 5 === 2 ? '2' : '1'); // a publisher's slip: T4-1 fails
    return { version, agency, year, cells, attachment: i % 6 === 5 };
  });
}

export async function startSite(opts: SiteOptions): Promise<Site> {
  const reports: Array<SiteReport | null> = [...opts.reports];
  const perPage = opts.perPage ?? 5;
  const column = opts.column ?? '/zfxxgk/zfxxgknb/';
  const requests: RequestRecord[] = [];
  const title = (r: SiteReport) => `${r.agency}${r.year}年政府信息公开工作年度报告`;
  const reportPath = (i: number, r: SiteReport) => `${column}${r.year + 1}01/t${r.year + 1}0115_${1000 + i}.html`;
  const attachmentPath = (i: number, r: SiteReport) => `${column}${r.year + 1}01/P0${1000 + i}.doc`;

  const send = (req: IncomingMessage, res: ServerResponse, body: Buffer, type: string) => {
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'last-modified': LAST_MODIFIED }).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': type, 'content-length': body.length, etag, 'last-modified': LAST_MODIFIED })
      .end(body);
  };

  const listPage = (n: number): string => {
    const live = reports.map((r, i) => [r, i] as const).filter(([r]) => r !== null) as Array<[SiteReport, number]>;
    const pages = Math.max(1, Math.ceil(live.length / perPage));
    const items = live
      .slice(n * perPage, (n + 1) * perPage)
      .map(
        ([r, i]) =>
          `<li><a href="${reportPath(i, r)}" target="_blank">${title(r)}</a><span>${r.year + 1}-01-15</span></li>`,
      )
      .join('\n');
    const name = (k: number) => (k === 0 ? 'index.html' : `index_${k}.html`);
    const nav = [
      n + 1 < pages ? `<a href="${name(n + 1)}">下一页</a>` : '',
      `<a href="${name(pages - 1)}">尾页</a>`,
    ].join(' ');
    const trap = opts.trap
      ? `<div class="calendar"><a href="${column}index.html?page=2&day=2026-01-${String(n + 1).padStart(2, '0')}">下一页</a><a href="/rili/2026/01/">日历</a></div>`
      : '';
    return page(
      '政府信息公开年报',
      `<div class="nav">首页 &gt; 政府信息公开 &gt; 年报</div><ul>${items}</ul><div class="page">${nav}</div>${trap}<a href="/about.html">关于我们</a>`,
    );
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const record: RequestRecord = {
      path: url.pathname + url.search,
      at: Date.now(),
      ifNoneMatch: (req.headers['if-none-match'] as string) ?? null,
      ifModifiedSince: (req.headers['if-modified-since'] as string) ?? null,
      userAgent: req.headers['user-agent'] ?? null,
    };
    requests.push(record);
    // Taken as the response is handed over (a client cannot have it earlier), or when the client left.
    const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
    res.end = ((...a: unknown[]) => {
      record.doneAt ??= Date.now();
      return end(...a);
    }) as typeof res.end;
    res.on('close', () => {
      record.doneAt ??= Date.now();
    });
    const delay = opts.latency?.(url.pathname) ?? 0;
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (opts.routes && (await opts.routes(req, res))) return;
    if (url.pathname === '/robots.txt') {
      if (opts.robots === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(opts.robots);
      return;
    }
    const list = new RegExp(`^${column}(?:index(?:_(\\d+))?\\.html)?$`).exec(url.pathname);
    if (list) return send(req, res, iconv.encode(listPage(Number(list[1] ?? 0)), 'gbk'), 'text/html'); // charset only in <meta>
    for (const [i, r] of reports.entries()) {
      if (!r) continue;
      if (url.pathname === reportPath(i, r)) {
        const body = r.attachment
          ? iconv.encode(
              page(
                title(r),
                `<h1>${title(r)}</h1><p>发布时间：${r.year + 1}-01-15</p><p>附件：<a href="${attachmentPath(i, r)}">${title(r)}.doc</a></p>`,
              ),
              'gbk',
            )
          : Buffer.from(renderHtml(r, PLAIN, { charset: 'gbk' }));
        return send(req, res, body, 'text/html');
      }
      if (r.attachment && url.pathname === attachmentPath(i, r)) {
        // Many sites serve Word-saved HTML under .doc: the reader goes by content, not extension.
        return send(req, res, Buffer.from(renderHtml(r, PLAIN)), 'application/msword');
      }
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    entry: `${origin}${column}index.html`,
    requests,
    update(i, report) {
      reports[i] = report;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
