// URL normalisation, site scope and crawl-trap guards.
import { LIMITS } from '../settings.ts';

/** Default index pages that name the same resource as their folder. */
const DEFAULT_PAGES = /\/(?:index|default)\.(?:html?|shtml|jsp|aspx?|php)$/i;
/** Query parameters that never change content (tracking, cache busting). */
const NOISE_PARAMS = /^(?:utm_\w+|_|t|timestamp|rand|random|spm|from)$/i;

/** One spelling per resource: lower-case host, no fragment, no default port, sorted query, no index page. */
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
  const params = [...u.searchParams.entries()]
    .filter(([k]) => !NOISE_PARAMS.test(k))
    .sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
  u.search = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  u.pathname = u.pathname.replace(/\/{2,}/g, '/').replace(DEFAULT_PAGES, '/');
  return u.toString();
}

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
