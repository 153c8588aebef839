import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/crawl/discover.ts';
import { retryAfterMs } from '../../src/crawl/fetch.ts';
import { HostThrottle } from '../../src/crawl/politeness.ts';
import { loadRegistry } from '../../src/crawl/registry.ts';
import { blockedReason } from '../../src/crawl/ssrf.ts';
import { inScope, normalizeUrl, trapReason } from '../../src/crawl/url.ts';

describe('URLs', () => {
  it('normalises only what cannot change the resource', () => {
    const same = [
      'http://WWW.X.gov.cn:80/a/index.html#top',
      'HTTP://www.x.gov.cn/a/index.html',
      'http://www.x.gov.cn/a/index.html?utm_source=y&spm=1.2',
    ];
    expect(new Set(same.map((u) => normalizeUrl(u)))).toEqual(new Set(['http://www.x.gov.cn/a/index.html']));
    expect(normalizeUrl('http://x.gov.cn/%e5%b9%b4%e6%8a%a5.html')).toBe('http://x.gov.cn/%E5%B9%B4%E6%8A%A5.html');
    // What could name another resource stays as written.
    const distinct = [
      'http://www.x.gov.cn/a/',
      'http://www.x.gov.cn/a/index.html',
      'http://www.x.gov.cn/a/default.htm',
      'http://www.x.gov.cn//a/index.html',
      'http://www.x.gov.cn/a/index.html?t=2',
      'http://www.x.gov.cn/a/index.html?b=2&a=1',
      'http://www.x.gov.cn/a/index.html?a=1&b=2',
    ];
    expect(new Set(distinct.map((u) => normalizeUrl(u))).size).toBe(distinct.length);
    expect(normalizeUrl('?b=2&a=1&utm_medium=x', 'http://x.gov.cn/l.jsp')).toBe('http://x.gov.cn/l.jsp?b=2&a=1');
    expect(normalizeUrl('javascript:void(0)', 'http://x.gov.cn/')).toBeNull();
    expect(normalizeUrl('mailto:a@b.c')).toBeNull();
  });
  it('keeps to the site and recognises traps', () => {
    expect(inScope('http://xxgk.x.gov.cn/a.html', ['http://www.x.gov.cn/'])).toBe(true);
    expect(inScope('http://www.y.gov.cn/a.html', ['http://www.x.gov.cn/'])).toBe(false);
    expect(trapReason('http://x.gov.cn/list.html?page=2&day=2026-01-01')).toBe('calendar parameters');
    expect(trapReason('http://x.gov.cn/rili/2026/01/')).toBe('calendar path');
    expect(trapReason(`http://x.gov.cn/l?q=${'a'.repeat(400)}`)).toBe('URL too long');
    expect(trapReason('http://x.gov.cn/a/b/a/b/a/x.html')).toBe('repeating path segments');
    expect(trapReason('http://x.gov.cn/zfxxgk/zfxxgknb/index_3.html')).toBeNull();
  });
  it('normalising twice changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withFragments: true, withQueryParameters: true }), (u) => {
        const once = normalizeUrl(u);
        if (once) expect(normalizeUrl(once)).toBe(once);
      }),
    );
  });
});

describe('discovery', () => {
  const source = { id: 's', agency: 'x', entry: ['http://www.x.gov.cn/zfxxgk/zfxxgknb/'] };
  it('finds report pages by title, attachments, pagination; ignores the rest', () => {
    const html = `<a href="t20250115_1.html">某市司法局2024年政府信息公开工作年度报告</a>
      <a href="t20250115_2.html">关于召开会议的通知</a>
      <a href="index_1.html">下一页</a><a href="/other/index_1.html">下一页</a>
      <a href="/xxgkAnnualReport.jsp?area=123&fbtime=2024">查看</a>
      <a href="http://www.y.gov.cn/t1.html">外站2024年政府信息公开工作年度报告</a>
      <a href="P1.pdf">二〇二三年政府信息公开年报.pdf</a>`;
    const { links } = discover(html, 'http://www.x.gov.cn/zfxxgk/zfxxgknb/', 'list', source);
    expect(links.map((l) => [new URL(l.url).pathname + new URL(l.url).search, l.kind])).toEqual([
      ['/zfxxgk/zfxxgknb/t20250115_1.html', 'page'],
      ['/zfxxgk/zfxxgknb/index_1.html', 'list'],
      ['/xxgkAnnualReport.jsp?area=123&fbtime=2024', 'page'],
      ['/zfxxgk/zfxxgknb/P1.pdf', 'file'],
    ]);
    const page = discover(
      '<a href="/u/P0123.docx">附件1</a><a href="/u/a.jpg">图</a>',
      'http://www.x.gov.cn/zfxxgk/zfxxgknb/t1.html',
      'page',
      source,
    );
    expect(page.links.map((l) => l.kind)).toEqual(['file']);
  });
});

describe('politeness', () => {
  it('AutoThrottle: moves halfway to the latency, never faster after an error, never below Crawl-delay', () => {
    const t = new HostThrottle({ minDelayMs: 100, maxDelayMs: 10_000, targetConcurrency: 1 });
    t.after(900, false);
    expect(t.currentDelay).toBe(500);
    t.after(100, true);
    expect(t.currentDelay).toBe(500);
    t.after(100, false);
    expect(t.currentDelay).toBe(300);
    t.crawlDelayMs = 2000;
    expect(t.currentDelay).toBe(2000);
    t.after(50_000, false);
    expect(t.currentDelay).toBe(10_000);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(retryAfterMs('soon')).toBeNull();
  });
});

describe('SSRF guard', () => {
  it('refuses private, link-local and (unless allowed) loopback addresses', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
    ])
      expect(blockedReason(a, true), a).not.toBeNull();
    expect(blockedReason('127.0.0.1', false)).toMatch(/loopback/);
    expect(blockedReason('127.0.0.1', true)).toBeNull();
    expect(blockedReason('::1', true)).toBeNull();
    expect(blockedReason('202.96.128.86', false)).toBeNull();
  });
});

describe('registry', () => {
  it('accepts a list or {sources}, and names the first problem with its path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-reg-'));
    const ok = path.join(dir, 'ok.json');
    writeFileSync(ok, JSON.stringify([{ id: 'a', agency: 'A局', entry: ['https://a.gov.cn/zfxxgknb/'] }]));
    expect((await loadRegistry(ok)).map((s) => s.id)).toEqual(['a']);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ sources: [{ id: 'a', agency: 'A局', entry: ['ftp://a'] }] }));
    await expect(loadRegistry(bad)).rejects.toThrow(/sources\.0\.entry\.0: must be an http\(s\) URL/);
    const dup = path.join(dir, 'dup.json');
    writeFileSync(
      dup,
      JSON.stringify([
        { id: 'a', agency: 'A', entry: ['https://a.cn/'] },
        { id: 'a', agency: 'B', entry: ['https://b.cn/'] },
      ]),
    );
    await expect(loadRegistry(dup)).rejects.toThrow(/unique/);
    await expect(loadRegistry(path.join(dir, 'none.json'))).rejects.toThrow(/no such file/);
    await expect(loadRegistry(path.resolve('corpora/starter.json'))).resolves.toHaveLength(10);
  });
});

describe('attachment names', () => {
  it('repairs GBK file names sent as raw bytes, and reads RFC 5987 names', async () => {
    const { dispositionFilename } = await import('../../src/crawl/fetch.ts');
    const iconv = (await import('iconv-lite')).default;
    const raw = iconv.encode('2024年度报告.pdf', 'gbk').toString('latin1');
    expect(dispositionFilename(`attachment; filename="${raw}"`)).toBe('2024年度报告.pdf');
    expect(dispositionFilename(`attachment; filename*=UTF-8''${encodeURIComponent('年报.docx')}`)).toBe('年报.docx');
    expect(dispositionFilename('attachment; filename=report.pdf')).toBe('report.pdf');
    expect(dispositionFilename(null)).toBeNull();
  });
});
