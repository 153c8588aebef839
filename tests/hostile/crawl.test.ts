// A crawl whose site links to hostile documents completes: the good reports after them are stored,
// each hostile document is recorded as failed (the crawler calls ingestBytes, which reads every
// document in the pool under the budgets). Everything stays on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Crawler } from '../../src/crawl/crawl.ts';
import type { Resolver } from '../../src/crawl/ssrf.ts';
import { demoReports, startSite } from '../../src/demo/site.ts';
import { Store } from '../../src/store/store.ts';
import { giantImagePdf, hugeSpanHtml, lyingDocx } from './files.ts';

const resolver: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
const COLUMN = '/zfxxgk/zfxxgknb/';

describe('a crawl linking to hostile documents', () => {
  it('completes: good reports stored, each hostile document recorded as failed', async () => {
    const reports = demoReports(4).map((r) => ({ ...r, attachment: false }));
    const pagePath = (i: number) => `${COLUMN}${reports[i]!.year + 1}01/t${reports[i]!.year + 1}0115_${1000 + i}.html`;
    const dir = `${COLUMN}${reports[1]!.year + 1}01/`;
    const files: Record<string, { body: Uint8Array | string; type: string }> = {
      // Report 1's page: a short page whose attachments are hostile.
      [pagePath(1)]: {
        body: `<html><head><meta charset="utf-8"><title>附件</title></head><body><h1>${reports[1]!.agency}${reports[1]!.year}年政府信息公开工作年度报告</h1><p>附件：<a href="${dir}P1.pdf">报告.pdf</a> <a href="${dir}P2.docx">报告.docx</a></p></body></html>`,
        type: 'text/html; charset=utf-8',
      },
      [`${dir}P1.pdf`]: { body: giantImagePdf(), type: 'application/pdf' },
      [`${dir}P2.docx`]: { body: lyingDocx(16 << 20), type: 'application/octet-stream' },
      // Report 2's page itself is the huge-span table.
      [pagePath(2)]: { body: hugeSpanHtml(), type: 'text/html; charset=utf-8' },
    };
    const site = await startSite({
      reports,
      perPage: 10,
      routes: (req, res) => {
        const f = files[new URL(req.url ?? '/', 'http://x').pathname];
        if (!f) return false;
        res.writeHead(200, { 'content-type': f.type }).end(f.body);
        return true;
      },
    });
    const store = await Store.openSqlite(path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-hcrawl-')), 'n.db'));
    try {
      const c = new Crawler(store, [{ id: 't', agency: '示例市人民政府', entry: [site.entry] }], {
        allowLoopback: true,
        resolver,
        throttle: { minDelayMs: 5, maxDelayMs: 2000 },
        fetch: { timeoutMs: 5000, backoffMs: 50, maxWaitMs: 3000 },
      });
      try {
        await c.run();
      } finally {
        await c.close();
      }
      for (const i of [0, 3])
        expect(await store.report(`${reports[i]!.agency}|${reports[i]!.year}`), `report ${i}`).not.toBeNull();
      const failures = await store.listFailures();
      const reasons = Object.fromEntries(failures.map((f) => [new URL(f.location).pathname, f.reason]));
      expect(reasons[`${dir}P1.pdf`]).toMatch(/^too large: a page image of 30000×30000/);
      expect(reasons[`${dir}P2.docx`]).toMatch(/^too large: ZIP entry word\/document\.xml inflates beyond/);
      expect(reasons[pagePath(2)]).toMatch(/^too large: a table grid/);
    } finally {
      await store.close();
      await site.close();
    }
  }, 300_000);
});
