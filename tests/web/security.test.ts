// The desk's guards without a browser: token and login cookie, CSRF, Host checks, a non-loopback
// bind refused without a token, and report text always escaped.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parserVersion } from '../../parsers/index.ts';
import { ReviewService } from '../../src/review/service.ts';
import type { Store } from '../../src/store/store.ts';
import { createApp } from '../../src/web/server.ts';
import { describeStores, itOnce } from '../helpers/stores.ts';
import { htmlReport, ingestAll } from './helpers.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/nianbao.js');
const TOKEN = 'correct-horse-battery';

describeStores('serve security', (stores) => {
  let store: Store;
  let dir: string;
  let db: string;
  /** The launcher, run from a folder of its own (a Postgres store's queue file is written under it). */
  const nianbao = (args: string[]) => exec(process.execPath, [BIN, ...args, '--db', db], { cwd: dir });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'nianbao-websec-'));
    db = await stores.fresh();
    store = await stores.open(db);
    await ingestAll(store, [['a.html', htmlReport('测试市<b>林业</b>局')]]);
  });
  afterAll(async () => store.close());

  const app = (token: string | null, loopbackOnly = true) =>
    createApp({ service: new ReviewService(store), token, who: 'local-user', loopbackOnly });
  const get = (a: ReturnType<typeof app>, p: string, headers: Record<string, string> = {}) =>
    a.request(`http://127.0.0.1${p}`, { headers: { host: '127.0.0.1:8080', ...headers } });
  const csrfOf = async (res: Response) => (await res.text()).match(/name="csrf" value="([^"]+)"/)![1]!;

  describe('the desk', () => {
    // Refused before the store is opened: once is enough.
    itOnce(stores)('refuses a non-loopback bind without a token, in one line with a non-zero exit', async () => {
      const err = await nianbao(['serve', '--host', '0.0.0.0']).catch((e: { code: number; stderr: string }) => e);
      expect((err as { code: number }).code).not.toBe(0);
      expect((err as { stderr: string }).stderr.trim().split('\n')).toEqual([
        'nianbao: refusing to serve on 0.0.0.0 without --token (a non-loopback address needs a token)',
      ]);
    });

    it('serves the summary page with its SVG charts under a CSP that allows no script', async () => {
      const res = await get(app(null), '/summary');
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('script-src');
      const html = await res.text();
      expect(html).toContain('<svg');
      expect(html).not.toContain('<script');
    });

    it('answers loopback Host headers only (DNS rebinding)', async () => {
      expect((await get(app(null), '/', { host: 'attacker.example:8080' })).status).toBe(421);
      expect((await get(app(null), '/')).status).toBe(200);
    });

    it('with a token: login form sets an HttpOnly cookie naming the reviewer; bearer works for the API', async () => {
      const a = app(TOKEN, false);
      const anon = await get(a, '/');
      expect(anon.status).toBe(303);
      expect(anon.headers.get('location')).toBe('/login');
      expect((await get(a, '/api/items')).status).toBe(401);
      expect((await get(a, '/api/items', { authorization: 'Bearer wrong-token-here' })).status).toBe(401);
      const api = await get(a, '/api/items', { authorization: `Bearer ${TOKEN}` });
      expect(api.status).toBe(200);
      expect((await api.json()).length).toBeGreaterThan(0);
      const login = await get(a, '/login');
      const csrf = await csrfOf(login);
      const post = (body: Record<string, string>) =>
        a.request('http://127.0.0.1/login', {
          method: 'POST',
          headers: { host: '127.0.0.1:8080', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(body).toString(),
        });
      expect((await post({ csrf, token: 'nope', name: 'x' })).status).toBe(401);
      expect((await post({ csrf: 'forged', token: TOKEN, name: 'x' })).status).toBe(403);
      const ok = await post({ csrf, token: TOKEN, name: '王审核' });
      expect(ok.status).toBe(303);
      const cookie = ok.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const session = cookie.split(';')[0]!;
      const queue = await get(a, '/', { cookie: session });
      expect(queue.status).toBe(200);
      const html = await queue.text();
      expect(html).toContain('王审核');
      // Decide with the session: the decision records the reviewer's name.
      const id = Number(html.match(/data-id="(\d+)"/)![1]);
      const version = html.match(/data-version="([^"]+)"/)![1]!;
      const pageCsrf = html.match(/name="csrf" value="([^"]+)"/)![1]!;
      const decide = (csrfValue: string) =>
        a.request('http://127.0.0.1/decide', {
          method: 'POST',
          headers: { host: '127.0.0.1:8080', cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            csrf: csrfValue,
            item: `${id}:${version}`,
            as: 'false-alarm',
            back: '/',
          }).toString(),
        });
      expect((await decide('forged')).status).toBe(403);
      expect((await store.item(id))!.status).toBe('open');
      expect((await decide(pageCsrf)).status).toBe(303);
      expect((await store.events(id)).at(-1)).toMatchObject({
        event: 'decided',
        who: '王审核',
        decision: 'false-alarm',
      });
      // The same decision again with the old version: refused as stale (409), nothing recorded.
      const again = await decide(pageCsrf);
      expect(again.status).toBe(409);
      expect((await store.events(id)).filter((e) => e.event === 'decided')).toHaveLength(1);
    });

    it('/api/items and /api/items/ID print what review list --json and review show --json print', async () => {
      const a = app(null);
      const list = await nianbao(['review', 'list', '--status', 'all', '--json']);
      const api = await (await get(a, '/api/items?status=all')).json();
      expect(api).toEqual(JSON.parse(list.stdout));
      expect(api.length).toBeGreaterThan(1);
      const id = api[1].id;
      const show = await nianbao(['review', 'show', String(id), '--json']);
      expect(await (await get(a, `/api/items/${id}`)).json()).toEqual(JSON.parse(show.stdout));
      expect((await get(a, '/api/items?year=abc')).status).toBe(400);
      expect((await get(a, '/api/items/999999')).status).toBe(404);
    });

    it('nianbao serve on this store: a decision made on the desk rewrites the queue file named after the store', async () => {
      const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--who', 'served', '--db', db], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const t0 = Date.now();
        while (!/http:\/\/[^/]+\//.test(out) && child.exitCode === null && Date.now() - t0 < 30_000)
          await new Promise((r) => setTimeout(r, 50));
        const base = /(http:\/\/[^/]+)\//.exec(out)![1]!;
        const html = await (await fetch(`${base}/`)).text();
        const id = Number(html.match(/data-id="(\d+)"/)![1]);
        const version = html.match(/data-version="([^"]+)"/)![1]!;
        const csrf = html.match(/name="csrf" value="([^"]+)"/)![1]!;
        const res = await fetch(`${base}/decide`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf, item: `${id}:${version}`, as: 'false-alarm', back: '/' }).toString(),
        });
        expect(res.status).toBe(303);
        expect((await store.events(id)).at(-1)).toMatchObject({ event: 'decided', who: 'served' });
        // SQLite: beside the store file; Postgres: output/<database> under the working folder.
        const queue =
          stores.kind === 'sqlite'
            ? db.replace(/\.db$/, '.review-queue.jsonl')
            : path.join(dir, 'output', `${new URL(db).pathname.slice(1)}.review-queue.jsonl`);
        const open = readFileSync(queue, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l).id);
        expect(open).toEqual((await store.listItems({ status: 'open' })).map((i) => i.id));
        expect(open).not.toContain(id);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      }
    });

    it('the report page lists every copy and its runs; coverage links bodies × years to reports', async () => {
      const a = app(null);
      const [report] = await store.allReports();
      const page = await (await get(a, `/reports/${report!.id}`)).text();
      expect(page).toContain(report!.report_key.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      expect(page).toContain('a.html');
      expect(page).toContain(`<td>${parserVersion()}</td><td>html</td>`);
      const cov = await (await get(a, '/coverage')).text();
      expect(cov).toContain(`href="/reports/${report!.id}"`);
      expect(cov).toMatch(/<th>2024<\/th>/);
      expect(await (await get(a, '/api/coverage')).json()).toEqual([
        expect.objectContaining({ year: 2024, report_id: report!.id, status: 'complete' }),
      ]);
    });

    it('escapes report text on every page and sends a nonce CSP', async () => {
      const a = app(null);
      const res = await get(a, '/');
      const csp = res.headers.get('content-security-policy')!;
      const nonce = csp.match(/'nonce-([^']+)'/)![1]!;
      const html = await res.text();
      expect(html).not.toContain('<b>林业');
      // The markup is not a body's name, so it reaches the pages only as the report's title: escaped.
      const [report] = await store.allReports();
      const reportPage = await (await get(a, `/reports/${report!.id}`)).text();
      expect(reportPage).toContain('测试市&lt;b&gt;林业&lt;/b&gt;局');
      expect(reportPage).not.toContain('<b>林业');
      // Every script and style on the page carries this response's nonce.
      expect([...html.matchAll(/<(script|style)\b([^>]*)>/g)].every((m) => m[2]!.includes(`nonce="${nonce}"`))).toBe(
        true,
      );
      expect(html).not.toMatch(/ style="/);
      const again = await get(a, '/');
      expect(again.headers.get('content-security-policy')).not.toContain(nonce);
    });
  });
});
