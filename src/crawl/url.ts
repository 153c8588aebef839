// URL normalisation, site scope and crawl-trap guards.
import { LIMITS } from '../settings.ts';

/**
 * Query parameters that only track a visitor and never select content. Cache-busters such as `t` or
 * `rand` are not here: on some CMSs they are real parameters, and a spelling we cannot prove equal
 * is left alone (content hashes catch the duplicates instead).
 */
const TRACKING_PARAMS = /^(?:utm_[a-z]+|spm|from_?source|share_?token)$/i;

/**
 * One spelling per resource, changing only what cannot change the resource: scheme and host case,
 * a default port, the fragment, the case of percent-escapes, known tracking parameters. Path
 * segments (`index.html`, `//`, order) and the order of the query stay as the site wrote them:
 * many government CMSs serve `…/index.html` and answer `…/` with 404.
 */
export function normalizeUrl(raw: string, base?: string): string | null {
  let u: URL;
  try {
    u = new URL(raw.trim(), base);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  u.hash = '';
  u.hostname = u.hostname.toLowerCase();
  if ((u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443')) u.port = '';
  if (u.search) {
    const kept = u.search
      .slice(1)
      .split('&')
      .filter((p) => p !== '' && !TRACKING_PARAMS.test(decodeParam(p.split('=')[0]!)));
    u.search = kept.length ? `?${kept.join('&')}` : '';
  }
  u.pathname = upperEscapes(u.pathname);
  u.search = upperEscapes(u.search);
  return u.toString();
}

const upperEscapes = (s: string): string => s.replace(/%[0-9a-f]{2}/gi, (e) => e.toUpperCase());
const decodeParam = (k: string): string => {
  try {
    return decodeURIComponent(k.replace(/\+/g, ' '));
  } catch {
    return k;
  }
};

/** The site a URL belongs to: its host without a leading "www.". */
export const siteOf = (url: string): string => new URL(url).hostname.replace(/^www\./, '');

/** Same site: the entry's host, or one of its subdomains (www.x.gov.cn and x.gov.cn are one site). */
export function inScope(url: string, entries: string[]): boolean {
  const host = new URL(url).hostname;
  return entries.some((e) => {
    const site = siteOf(e);
    return host === site || host.endsWith(`.${site}`);
  });
}

const { maxLength: MAX_URL_LENGTH, maxQueryParams: MAX_QUERY_PARAMS, maxPathSegments: MAX_PATH_SEGMENTS } = LIMITS.url;

/**
 * Crawl traps: calendars (date-stepping parameters or paths), ever-growing query strings, paths
 * repeating a segment. Returns the reason, or null when the URL looks like a normal page.
 */
export function trapReason(url: string): string | null {
  const u = new URL(url);
  if (url.length > MAX_URL_LENGTH) return 'URL too long';
  const keys = [...u.searchParams.keys()];
  if (keys.length > MAX_QUERY_PARAMS) return 'too many query parameters';
  if (new Set(keys).size !== keys.length) return 'repeated query parameters';
  if (keys.some((k) => /^(?:date|day|month|year|week|cal(?:endar)?|ym|d)$/i.test(k))) return 'calendar parameters';
  if (/\/(?:calendar|cal|rili)\b/i.test(u.pathname)) return 'calendar path';
  const segs = u.pathname.split('/').filter(Boolean);
  if (segs.length > MAX_PATH_SEGMENTS) return 'path too deep';
  if (segs.length - new Set(segs).size >= 2) return 'repeating path segments';
  return null;
}
