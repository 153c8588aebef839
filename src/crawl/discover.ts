// Links on a page → what to crawl next: more list pages (pagination), report pages, attachments.
import * as cheerio from 'cheerio';
import type { Source } from './registry.ts';
import { inScope, normalizeUrl, trapReason } from './url.ts';

export type LinkKind = 'list' | 'page' | 'file';

export interface Link {
  url: string;
  text: string;
  kind: LinkKind;
}

const ATTACHMENT = /\.(?:pdf|docx?|wps|ofd)(?:$|\?)/i;
const REPORT_TITLE = /(?:年度报告|年报|年度工作报告|工作报告)/;
const HAS_YEAR = /(?:19|20)\d{2}|[二][〇○零][一二三四五六七八九〇○零]{2}/;
/** Report URLs of the provincial platforms (report-format.md). */
const REPORT_URL = /xxgkAnnualReport\.jsp\?.*fbtime=\d{4}|OpennessAnnualReport\/year\/show\/\d+\/\d{4}\.html/i;
const PAGINATION_TEXT = /^(?:下一页|下页|尾页|末页|上一页|上页|首页|第?\d{1,3}页?|>|>>|»)$/;
const PAGINATION_URL =
  /(?:index|list|default)_\d{1,4}\.s?html?$|[?&](?:page|pageNo|pageIndex|p|curPage)=\d{1,4}(?:&|$)/i;

/** All `<a href>` links with their text (or title), resolved against the page URL. */
export function links(html: string, base: string): Array<{ url: string; text: string }> {
  const $ = cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true } });
  const out: Array<{ url: string; text: string }> = [];
  $('a[href]').each((_, a) => {
    const el = $(a);
    const url = normalizeUrl(el.attr('href') ?? '', base);
    if (url) out.push({ url, text: `${el.attr('title') ?? ''}${el.text()}`.replace(/\s+/g, ' ').trim() });
  });
  return out;
}

function isReport(l: { url: string; text: string }, source: Source): boolean {
  const hints = source.hints;
  if (hints?.report_url?.some((h) => l.url.includes(h))) return true;
  if (hints?.report_title?.some((h) => l.text.includes(h))) return true;
  if (REPORT_URL.test(l.url)) return true;
  return REPORT_TITLE.test(l.text) && HAS_YEAR.test(l.text) && /信息公开|政务公开|年报/.test(l.text);
}

/** Classify a page's links: what a list page or report page leads to, within the source's site. */
export function discover(
  html: string,
  pageUrl: string,
  pageKind: LinkKind,
  source: Source,
): { links: Link[]; skipped: Array<{ url: string; reason: string }> } {
  const found = new Map<string, Link>();
  const skipped: Array<{ url: string; reason: string }> = [];
  const scope = [...source.entry, ...(source.hints?.scope ?? [])];
  for (const l of links(html, pageUrl)) {
    if (found.has(l.url) || l.url === pageUrl) continue;
    if (!inScope(l.url, scope)) continue;
    const attachment = ATTACHMENT.test(new URL(l.url).pathname) || ATTACHMENT.test(l.text);
    let kind: LinkKind | null = null;
    if (attachment && (pageKind === 'page' || isReport(l, source))) kind = 'file';
    else if (!attachment && isReport(l, source)) kind = 'page';
    else if (
      pageKind === 'list' &&
      (PAGINATION_URL.test(l.url) || PAGINATION_TEXT.test(l.text)) &&
      sameColumn(l.url, pageUrl)
    )
      kind = 'list';
    if (!kind) continue;
    const trap = trapReason(l.url);
    if (trap) {
      skipped.push({ url: l.url, reason: trap });
      continue;
    }
    found.set(l.url, { ...l, kind });
  }
  return { links: [...found.values()], skipped };
}

/** Pagination stays inside the list's own folder. */
function sameColumn(url: string, pageUrl: string): boolean {
  const dir = (u: string) => new URL(u).pathname.replace(/[^/]*$/, '');
  return dir(url) === dir(pageUrl);
}
