// `nianbao serve`: the review desk over the review service. Pages for people (queue, item, report,
// coverage), the same data as JSON under /api, and the source at each cell (sandboxed report HTML,
// rendered PDF pages, scan images). See security.ts for the rules every response follows.
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Cell } from '../record.ts';
import { itemJson, ReviewError, ReviewService } from '../review/service.ts';
import { LIMITS } from '../settings.ts';
import type { QueueFilter } from '../store/store.ts';
import {
  errorBody,
  itemPage,
  layout,
  loginPage,
  coveragePage,
  queuePage,
  reportPage,
  type QueueQuery,
  type SourcePane,
} from './pages.ts';
import { Guard, isLoopback, newNonce, pageCsp, SESSION_COOKIE, sourceCsp } from './security.ts';
import { decodeForView, docText, docxHtml, ofdPage, PageRenderer, sourceHtml, sourceText } from './source.ts';

export interface ServeOptions {
  service: ReviewService;
  token: string | null;
  who: string;
  /** loopback binds accept only loopback Host headers (DNS rebinding) */
  loopbackOnly: boolean;
  /** called with every request's method and path (tests count requests) */
  onRequest?: (method: string, path: string) => void;
}

type Env = { Variables: { nonce: string; who: string | null; session: string } };

const SHA = /^[0-9a-f]{64}$/;
const hostOf = (origin: string): string | null => {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
};
const int = (s: string | undefined): number | undefined =>
  s !== undefined && /^\d{1,9}$/.test(s) ? Number(s) : undefined;

/** A local path to return to (never another origin), without an earlier notice parameter. */
function safeBack(back: unknown, fallback: string): string {
  if (typeof back !== 'string' || !/^\/(?![/\\])[\x21-\x7e]*$/.test(back)) return fallback;
  const u = new URL(back, 'http://x');
  u.searchParams.delete('done');
  u.searchParams.delete('corrected');
  return `${u.pathname}${u.search}`;
}

export function createApp(o: ServeOptions): Hono<Env> {
  const app = new Hono<Env>();
  const guard = new Guard(o.token, o.who);
  const store = o.service.store;
  const renderer = new PageRenderer((sha) => store.documentBytes(sha));

  app.use('*', async (c, next) => {
    o.onRequest?.(c.req.method, new URL(c.req.url).pathname);
    const host = (c.req.header('host') ?? '').replace(/:\d+$/, '');
    if (o.loopbackOnly && !isLoopback(host))
      return c.text('nianbao: this desk answers on a loopback address only\n', 421);
    c.set('nonce', newNonce());
    c.header('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on our own forms.
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
    const path = new URL(c.req.url).pathname;
    const cookie = getCookie(c, SESSION_COOKIE) ?? null;
    const who = guard.who({ cookie, authorization: c.req.header('authorization') ?? null });
    c.set('who', who);
    c.set('session', cookie ?? (c.req.header('authorization') ? 'bearer' : 'local'));
    if (who === null && path !== '/login') {
      if (path.startsWith('/api/') || c.req.method !== 'GET') return c.json({ error: 'a token is required' }, 401);
      return c.redirect('/login', 303);
    }
    if (c.req.method === 'POST') {
      // Same-origin forms only; the CSRF token is checked per route after the body is read.
      // An opaque origin ("null": a sandboxed frame, a report's form) is refused too.
      const origin = c.req.header('origin');
      if (origin !== undefined && hostOf(origin) !== c.req.header('host'))
        return c.text('nianbao: cross-origin POST refused\n', 403);
    }
    await next();
  });

  const page = (c: Context<Env>, html: string, status = 200) => {
    c.header('Content-Security-Policy', pageCsp(c.get('nonce')));
    c.header('X-Frame-Options', 'DENY');
    return c.html(html, status as 200);
  };
  const fail = (c: Context<Env>, e: unknown, back?: string) => {
    if (!(e instanceof ReviewError)) throw e;
    const status = e.code === 'not_found' ? 404 : e.code === 'conflict' ? 409 : 400;
    return page(
      c,
      layout({ title: '无法完成', nonce: c.get('nonce'), who: c.get('who') }, errorBody(e.message, back)),
      status,
    );
  };
  const csrfOk = (c: Context<Env>, body: Record<string, unknown>) => guard.checkCsrf(c.get('session'), body.csrf);

  // ---------------------------------------------------------------- login

  app.get('/login', (c) => page(c, loginPage({ nonce: c.get('nonce'), csrf: guard.csrf('login') })));
  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    if (!guard.checkCsrf('login', body.csrf)) return c.text('nianbao: missing or wrong CSRF token\n', 403);
    if (o.token === null || !guard.checkToken(String(body.token ?? '')))
      return page(c, loginPage({ nonce: c.get('nonce'), csrf: guard.csrf('login'), error: '令牌不对' }), 401);
    const name =
      String(body.name ?? '')
        .trim()
        .slice(0, 80) || o.who;
    setCookie(c, SESSION_COOKIE, guard.session(name), { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.redirect('/', 303);
  });

  // ---------------------------------------------------------------- the queue

  const queueQuery = (c: Context<Env>): { q: QueueQuery; f: QueueFilter; error?: string } => {
    const r = c.req.query();
    const q: QueueQuery = {
      rule: r.rule || undefined,
      level: r.level || undefined,
      blame: r.blame || undefined,
      agency: r.agency?.trim() || undefined,
      region: r.region?.trim() || undefined,
      year: r.year?.trim() || undefined,
      status: r.status || undefined,
      page: int(r.page) ?? 1,
    };
    const status = (q.status ?? 'open') as QueueFilter['status'];
    if (!['open', 'decided', 'resolved', 'all'].includes(status!))
      return { q, f: {}, error: `status must be open, decided, resolved or all` };
    if (q.year !== undefined && !/^\d{4}$/.test(q.year))
      return { q, f: {}, error: `year must be a year like 2023 (got ${q.year})` };
    if (q.region !== undefined && !/^\d{2,6}$/.test(q.region))
      return { q, f: {}, error: `region must be a region code like 350400` };
    return {
      q,
      f: {
        status,
        rule: q.rule,
        level: q.level,
        blame: q.blame,
        agencyContains: q.agency,
        region: q.region,
        year: q.year ? Number(q.year) : undefined,
      },
    };
  };

  app.get('/', async (c) => {
    const { q, f, error } = queueQuery(c);
    if (error)
      return page(
        c,
        layout({ title: '审核队列', nonce: c.get('nonce'), who: c.get('who') }, errorBody(error, '/')),
        400,
      );
    const limit = LIMITS.serve.pageSize;
    const res = await o.service.queue(f, { offset: ((q.page ?? 1) - 1) * limit, limit });
    const notice = c.req.query('done') ? `已决定 ${c.req.query('done')} 项` : null;
    return page(
      c,
      queuePage({ page: res, q, csrf: guard.csrf(c.get('session')), nonce: c.get('nonce'), who: c.get('who'), notice }),
    );
  });

  app.post('/decide', async (c) => {
    const body = await c.req.parseBody({ all: true });
    if (!csrfOk(c, { csrf: [body.csrf].flat()[0] })) return c.text('nianbao: missing or wrong CSRF token\n', 403);
    const back = safeBack([body.back].flat()[0], '/');
    const items = [body.item]
      .flat()
      .filter((x): x is string => typeof x === 'string' && x !== '')
      .map((x) => {
        const [id, ...rest] = x.split(':');
        return { id: Number(id), expected: rest.join(':') || null };
      });
    if (!items.length || items.some((i) => !Number.isInteger(i.id)))
      return fail(c, new ReviewError('no item chosen', 'invalid'), back);
    try {
      await o.service.decide(items, {
        as: String([body.as].flat()[0] ?? ''),
        note: String([body.note].flat()[0] ?? '') || null,
        who: c.get('who') ?? o.who,
      });
    } catch (e) {
      return fail(c, e, back);
    }
    return c.redirect(`${back}${back.includes('?') ? '&' : '?'}done=${items.length}`, 303);
  });

  app.post('/correct', async (c) => {
    const body = await c.req.parseBody();
    if (!csrfOk(c, body)) return c.text('nianbao: missing or wrong CSRF token\n', 403);
    const back = safeBack(body.back, '/');
    try {
      const r = await o.service.correct(
        Number(body.report),
        { table: String(body.table ?? ''), row: String(body.row ?? ''), col: String(body.col ?? '') },
        String(body.value ?? ''),
        { note: String(body.note ?? ''), who: c.get('who') ?? o.who },
      );
      return c.redirect(`${back}${back.includes('?') ? '&' : '?'}corrected=${r.correctionId}`, 303);
    } catch (e) {
      return fail(c, e, back);
    }
  });

  // ---------------------------------------------------------------- an item and its source

  app.get('/items/:id', async (c) => {
    const id = int(c.req.param('id'));
    if (id === undefined) return c.notFound();
    try {
      const v = await o.service.show(id);
      const selected = Math.min(
        Math.max(0, int(c.req.query('cell')) ?? firstWithSource(v.involved.map((i) => i.cell))),
        Math.max(0, v.involved.length - 1),
      );
      const pane = await sourcePaneFor(
        v.source?.sha256 ?? null,
        v.source?.media ?? null,
        v.involved[selected]?.cell ?? null,
        renderer,
        (sha) => store.documentBytes(sha),
      );
      const notice = c.req.query('done') ? '已保存决定' : c.req.query('corrected') ? '已更正，规则已重新运行' : null;
      return page(
        c,
        itemPage({
          v,
          csrf: guard.csrf(c.get('session')),
          nonce: c.get('nonce'),
          who: c.get('who'),
          selected,
          pane,
          notice,
        }),
      );
    } catch (e) {
      return fail(c, e, '/');
    }
  });

  /** A document's HTML or text, inert, with a cell marked: only ever shown in a sandboxed frame. */
  app.get('/documents/:sha/view', async (c) => {
    const sha = c.req.param('sha');
    if (!SHA.test(sha)) return c.notFound();
    const bytes = await store.documentBytes(sha);
    const media = await store.documentMedia(sha);
    if (!bytes || !media) return c.notFound();
    const q = c.req.query();
    const at = {
      table_index: int(q.t) ?? null,
      row_index: int(q.r) ?? null,
      col_index: int(q.c) ?? null,
      line: int(q.l) ?? null,
    };
    const nonce = c.get('nonce');
    let html: string;
    if (media === 'docx') html = sourceHtml(await docxHtml(bytes), at, nonce);
    else if (media === 'doc') html = sourceText(await docText(bytes), at.line, nonce);
    else if (media === 'html' || media === 'txt') {
      const d = decodeForView(bytes, media);
      html = d.html ? sourceHtml(d.text, at, nonce) : sourceText(d.text, at.line, nonce);
    } else return c.text('no HTML view for this medium\n', 404);
    c.header('Content-Security-Policy', sourceCsp(nonce));
    c.header('X-Frame-Options', 'SAMEORIGIN');
    return c.html(html);
  });

  app.get('/documents/:sha/ofd/:n', async (c) => {
    const sha = c.req.param('sha');
    const n = int(c.req.param('n').replace(/\.svg$/, ''));
    if (!SHA.test(sha) || n === undefined || n < 1) return c.notFound();
    const bytes = await store.documentBytes(sha);
    if (!bytes || (await store.documentMedia(sha)) !== 'ofd') return c.notFound();
    c.header('Content-Security-Policy', "default-src 'none'");
    c.header('Content-Type', 'image/svg+xml');
    return c.body((await ofdPage(bytes, n)).svg);
  });

  app.get('/documents/:sha/:kind{page|scan}/:n', async (c) => {
    const sha = c.req.param('sha');
    const n = int(c.req.param('n').replace(/\.png$/, ''));
    if (!SHA.test(sha) || n === undefined || n < 1) return c.notFound();
    try {
      const img = c.req.param('kind') === 'scan' ? await renderer.scan(sha, n) : await renderer.page(sha, n);
      c.header('Content-Security-Policy', "default-src 'none'");
      c.header('Content-Type', 'image/png');
      return c.body(new Uint8Array(img.png));
    } catch (e) {
      return c.text(`nianbao: cannot render page ${n}: ${(e as Error).message.split('\n')[0]}\n`, 404);
    }
  });

  // ---------------------------------------------------------------- reports, coverage

  app.get('/reports/:id', async (c) => {
    const id = int(c.req.param('id'));
    if (id === undefined) return c.notFound();
    try {
      return page(c, reportPage({ r: await o.service.report(id), nonce: c.get('nonce'), who: c.get('who') }));
    } catch (e) {
      return fail(c, e, '/');
    }
  });

  app.get('/coverage', async (c) => {
    const year = int(c.req.query('year'));
    const rows = await o.service.coverage(year !== undefined ? { year } : {});
    return page(c, coveragePage({ rows, nonce: c.get('nonce'), who: c.get('who') }));
  });

  // The data package's summary page: static SVG charts, no script; its inline styles get their own CSP.
  app.get('/summary', async (c) => {
    const { renderSummaryHtml } = await import('../export/summary.ts');
    const html = await renderSummaryHtml(store);
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return c.html(html);
  });

  // ---------------------------------------------------------------- JSON

  app.get('/api/items', async (c) => {
    const { f, error } = queueQuery(c);
    if (error) return c.json({ error }, 400);
    const r = c.req.query();
    // The same items and fields as `review list --json` (agency exact, like the CLI's --agency).
    const items = await o.service.list({ ...f, agencyContains: undefined, agency: r.agency || undefined });
    const filtered = items.filter(
      (i) => (!f.level || i.level === f.level) && (!f.blame || (i.blame ?? null) === f.blame),
    );
    return c.json(filtered.map(itemJson));
  });
  app.get('/api/queue', async (c) => {
    const { q, f, error } = queueQuery(c);
    if (error) return c.json({ error }, 400);
    const limit = Math.min(500, int(c.req.query('limit')) ?? LIMITS.serve.pageSize);
    return c.json(await o.service.queue(f, { offset: ((q.page ?? 1) - 1) * limit, limit }));
  });
  app.get('/api/items/:id', async (c) => {
    const id = int(c.req.param('id'));
    if (id === undefined) return c.json({ error: 'not found' }, 404);
    try {
      return c.json(ReviewService.showJson(await o.service.show(id)));
    } catch (e) {
      if (e instanceof ReviewError) return c.json({ error: e.message }, 404);
      throw e;
    }
  });
  app.get('/api/reports/:id', async (c) => {
    const id = int(c.req.param('id'));
    if (id === undefined) return c.json({ error: 'not found' }, 404);
    try {
      const r = await o.service.report(id);
      return c.json({
        report: r.report,
        record: r.record,
        items: r.items,
        copies: r.copies,
        corrections: r.corrections,
      });
    } catch (e) {
      if (e instanceof ReviewError) return c.json({ error: e.message }, 404);
      throw e;
    }
  });
  app.get('/api/coverage', async (c) => c.json(await o.service.coverage()));

  app.onError((e, c) => {
    process.stderr.write(
      `nianbao serve: ${c.req.method} ${new URL(c.req.url).pathname}: ${(e.message ?? String(e)).split('\n')[0]}\n`,
    );
    return c.text('nianbao: internal error\n', 500);
  });
  return app;
}

/** The cell shown first: the least confident OCR reading, else the first cell with a position. */
const firstWithSource = (cells: Array<Cell | null>): number => {
  let best = -1;
  cells.forEach((c, k) => {
    if (c?.source.ocr && (best < 0 || (c.source.confidence ?? 1) < (cells[best]!.source.confidence ?? 1))) best = k;
  });
  if (best >= 0) return best;
  const k = cells.findIndex(
    (c) => c && (c.source.page !== null || c.source.table_index !== null || c.source.line !== null),
  );
  return Math.max(k, 0);
};

/** Which view shows this cell's source: a frame for HTML/text/DOCX, a page image for PDFs and scans. */
async function sourcePaneFor(
  sha: string | null,
  media: string | null,
  cell: Cell | null,
  renderer: PageRenderer,
  bytesOf?: (sha: string) => Promise<Uint8Array | null>,
): Promise<SourcePane> {
  if (!sha || !media) return { kind: 'none', why: '没有文档' };
  if (!cell) return { kind: 'none', why: '文档中没有此单元格（可能是未读出的行或表）' };
  const s = cell.source;
  if (media === 'html' || media === 'txt' || media === 'docx' || media === 'doc' || media === 'wps') {
    if (s.table_index === null && s.line === null) return { kind: 'none', why: '此单元格没有原文位置' };
    const p = new URLSearchParams();
    const text = media === 'txt' || media === 'doc' || media === 'wps';
    if (!text && s.table_index !== null) p.set('t', String(s.table_index));
    if (!text && s.row_index !== null) p.set('r', String(s.row_index));
    if (!text && s.col_index !== null) p.set('c', String(s.col_index));
    if (text && s.line !== null) p.set('l', String(s.line));
    return { kind: 'frame', src: `/documents/${sha}/view?${p}#nianbao-hit` };
  }
  if (media === 'pdf' && s.page !== null) {
    try {
      if (s.ocr) {
        const img = await renderer.scan(sha, s.page);
        const src = `/documents/${sha}/scan/${s.page}.png`;
        const box = s.bbox ? boxPercent(s.bbox, img.width, img.height, false) : null;
        const [x0, y0, x1, y1] = s.bbox ?? [0, 0, 0, 0];
        return {
          kind: 'page',
          src,
          page: s.page,
          box,
          crop: s.bbox
            ? {
                src,
                width: x1 - x0,
                height: y1 - y0,
                left: x0,
                top: y0,
                imgWidth: img.width,
                confidence: s.confidence ?? null,
              }
            : undefined,
        };
      }
      const img = await renderer.page(sha, s.page);
      const k = LIMITS.serve.renderDpi / 72;
      return {
        kind: 'page',
        src: `/documents/${sha}/page/${s.page}.png`,
        page: s.page,
        box: s.bbox ? boxPercent(s.bbox, img.width / k, img.height / k, true) : null,
      };
    } catch (e) {
      return { kind: 'none', why: `无法绘制第 ${s.page} 页：${(e as Error).message.split('\n')[0]}` };
    }
  }
  if (media === 'ofd' && s.page !== null && s.bbox && bytesOf) {
    const bytes = await bytesOf(sha);
    if (bytes) {
      const pg = await ofdPage(bytes, s.page);
      const [x0, y0, x1, y1] = s.bbox;
      const pct = (n: number, d: number) => Math.round((n / d) * 10000) / 100;
      // y negated by the reader: top = -y1, bottom = -y0 (plus a little for descenders).
      return {
        kind: 'page',
        src: `/documents/${sha}/ofd/${s.page}.svg`,
        page: s.page,
        box: [
          pct(x0 - 1, pg.width),
          pct(-y1 - 1, pg.height),
          pct(x1 - x0 + 2, pg.width),
          pct(y1 - y0 + 2.5, pg.height),
        ],
      };
    }
  }
  return { kind: 'none', why: `${media} 文档暂无原文视图；位置：第 ${s.page ?? '?'} 页，第 ${s.line ?? '?'} 行` };
}

/** A bbox as percentages of the page; PDF boxes have y upwards from the baseline, images downwards. */
function boxPercent(
  b: [number, number, number, number],
  w: number,
  hgt: number,
  pdf: boolean,
): [number, number, number, number] {
  const pad = pdf ? 2 : 0;
  const [x0, y0, x1, y1] = b;
  const top = pdf ? hgt - y1 - pad : y0;
  const bottom = pdf ? hgt - y0 + pad + 2 : y1;
  const pct = (n: number, d: number) => Math.round((n / d) * 10000) / 100;
  return [pct(x0 - pad, w), pct(top, hgt), pct(x1 - x0 + 2 * pad, w), pct(bottom - top, hgt)];
}
