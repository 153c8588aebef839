// HTTP fetching: undici with timeouts, a body size limit, manual redirects (each hop SSRF-checked),
// retries with backoff that honour Retry-After, and conditional requests from stored validators.
import { LIMITS } from '../settings.ts';
import iconv from 'iconv-lite';
import { Agent, request } from 'undici';
import { BlockedAddressError, checkLiteralHost, guardedLookup, systemResolver, type Resolver } from './ssrf.ts';
import { normalizeUrl } from './url.ts';

export const USER_AGENT = `nianbao/0.1 (+${process.env.NIANBAO_CONTACT ?? 'https://github.com/nianbao/nianbao#crawler'}; OGI annual report research crawler)`;

export interface FetchOptions {
  userAgent: string;
  timeoutMs: number;
  /** Total time one request (headers and body) may take. */
  deadlineMs: number;
  maxBytes: number;
  maxRedirects: number;
  retries: number;
  /** Longest Retry-After (or backoff) we wait before giving up on a URL for this run. */
  maxWaitMs: number;
  backoffMs: number;
  allowLoopback: boolean;
  resolver: Resolver;
}

export const DEFAULT_FETCH: FetchOptions = {
  userAgent: USER_AGENT,
  ...LIMITS.fetch,
  allowLoopback: false,
  resolver: systemResolver,
};

export interface Validators {
  etag?: string | null;
  lastModified?: string | null;
}

export interface FetchResult {
  url: string;
  finalUrl: string;
  status: number;
  contentType: string | null;
  /** The attachment's name from Content-Disposition (GBK repaired), for logs and sniffing hints. */
  filename: string | null;
  etag: string | null;
  lastModified: string | null;
  body: Uint8Array | null;
  ms: number;
  attempts: number;
  redirects: string[];
  error: string | null;
}

/** Called before every request (politeness) and after every response (latency for the throttle). */
export interface RequestHooks {
  before(url: string): Promise<void>;
  /** `retryAfterMs`: the server's Retry-After, when it sent one (a fleet shares it through the store). */
  after(url: string, latencyMs: number, failed: boolean, retryAfterMs?: number | null): void;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const NO_HOOKS: RequestHooks = { before: async () => {}, after: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After as milliseconds (seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

const header = (h: Record<string, string | string[] | undefined>, name: string): string | null => {
  const v = h[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
};

export class Fetcher {
  readonly opts: FetchOptions;
  private readonly agent: Agent;

  constructor(opts: Partial<FetchOptions> = {}) {
    this.opts = { ...DEFAULT_FETCH, ...opts };
    this.agent = new Agent({
      connect: {
        lookup: guardedLookup(this.opts.resolver, this.opts.allowLoopback) as never,
        timeout: this.opts.timeoutMs,
      },
      headersTimeout: this.opts.timeoutMs,
      bodyTimeout: this.opts.timeoutMs,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** GET with redirects and retries; never throws (the error is in the result). */
  async fetch(url: string, validators: Validators = {}, hooks: RequestHooks = NO_HOOKS): Promise<FetchResult> {
    const t0 = performance.now();
    const res: FetchResult = {
      url,
      finalUrl: url,
      status: 0,
      contentType: null,
      filename: null,
      etag: null,
      lastModified: null,
      body: null,
      ms: 0,
      attempts: 0,
      redirects: [],
      error: null,
    };
    let current = url;
    const seen = new Set([url]);
    for (let hop = 0; ; hop++) {
      const one = await this.withRetries(current, hop === 0 ? validators : {}, hooks, res);
      if (one.redirect === undefined) break;
      const next = normalizeUrl(one.redirect, current);
      if (!next) {
        res.error = `bad redirect target ${one.redirect}`;
        break;
      }
      if (seen.has(next)) {
        res.error = `redirect loop at ${next}`;
        break;
      }
      if (hop + 1 > this.opts.maxRedirects) {
        res.error = `more than ${this.opts.maxRedirects} redirects`;
        break;
      }
      seen.add(next);
      res.redirects.push(next);
      current = next;
    }
    res.finalUrl = current;
    res.ms = Math.round(performance.now() - t0);
    return res;
  }

  private async withRetries(
    url: string,
    validators: Validators,
    hooks: RequestHooks,
    res: FetchResult,
  ): Promise<{ redirect?: string }> {
    for (let attempt = 0; ; attempt++) {
      res.attempts++;
      const out = await this.once(url, validators, hooks, res);
      const retryable = out.retryable && attempt < this.opts.retries;
      if (!retryable) return out;
      const wait = out.retryAfter ?? this.opts.backoffMs * 2 ** attempt;
      if (wait > this.opts.maxWaitMs) {
        res.error = `${res.error ?? `HTTP ${res.status}`}; asked to wait ${Math.round(wait / 1000)} s, more than this run allows`;
        return out;
      }
      await sleep(wait);
    }
  }

  private async once(
    url: string,
    validators: Validators,
    hooks: RequestHooks,
    res: FetchResult,
  ): Promise<{ redirect?: string; retryable: boolean; retryAfter?: number | null }> {
    res.error = null;
    res.body = null;
    const literal = checkLiteralHost(url, this.opts.allowLoopback);
    if (literal) {
      res.error = `refused to connect to ${new URL(url).hostname}: ${literal}`;
      return { retryable: false };
    }
    const headers: Record<string, string> = {
      'user-agent': this.opts.userAgent,
      accept: '*/*',
      'accept-language': 'zh-CN,zh;q=0.9',
    };
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    await hooks.before(url);
    const t0 = performance.now();
    // The idle timeouts do not bound a server that drips a byte every few seconds: the deadline does.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.opts.deadlineMs);
    try {
      const r = await request(url, {
        method: 'GET',
        headers,
        dispatcher: this.agent,
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
        signal: deadline.signal,
      });
      res.status = r.statusCode;
      res.contentType = header(r.headers, 'content-type');
      res.filename = dispositionFilename(header(r.headers, 'content-disposition'));
      res.etag = header(r.headers, 'etag');
      res.lastModified = header(r.headers, 'last-modified');
      const location = header(r.headers, 'location');
      if (r.statusCode >= 300 && r.statusCode < 400 && r.statusCode !== 304 && location) {
        await r.body.dump();
        hooks.after(url, performance.now() - t0, false);
        return { redirect: location, retryable: false };
      }
      if (r.statusCode !== 200) {
        await r.body.dump();
        const retryAfter = retryAfterMs(header(r.headers, 'retry-after'));
        hooks.after(url, performance.now() - t0, r.statusCode >= 400, retryAfter);
        if (r.statusCode >= 400) res.error = `HTTP ${r.statusCode}`;
        return { retryable: RETRY_STATUS.has(r.statusCode), retryAfter };
      }
      const declared = Number(header(r.headers, 'content-length') ?? NaN);
      if (declared > this.opts.maxBytes) {
        r.body.destroy();
        hooks.after(url, performance.now() - t0, false);
        res.error = `too large: ${declared} bytes declared, limit ${this.opts.maxBytes}`;
        return { retryable: false };
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of r.body) {
        size += (chunk as Buffer).length;
        if (size > this.opts.maxBytes) {
          r.body.destroy();
          hooks.after(url, performance.now() - t0, false);
          res.error = `too large: more than ${this.opts.maxBytes} bytes`;
          return { retryable: false };
        }
        chunks.push(chunk as Buffer);
      }
      res.body = Buffer.concat(chunks);
      hooks.after(url, performance.now() - t0, false);
      return { retryable: false };
    } catch (e) {
      hooks.after(url, performance.now() - t0, true);
      if (deadline.signal.aborted) {
        res.error = `deadline: no complete response within ${this.opts.deadlineMs / 1000} s`;
        return { retryable: false };
      }
      const err = e as Error & { code?: string; cause?: Error };
      const blocked =
        err instanceof BlockedAddressError || err.cause instanceof BlockedAddressError || err.code === 'EBLOCKED';
      res.error = blocked ? (err.cause?.message ?? err.message) : `${err.code ?? err.name}: ${err.message}`;
      return { retryable: !blocked };
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The file name of a Content-Disposition header. Servers send GBK names as raw bytes, which arrive
 * as latin-1 mojibake: re-decode them as gb18030. RFC 5987 `filename*=UTF-8''…` wins when present.
 * Used only as a hint and in logs: a file name never becomes a path.
 */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*([\w-]+)''([^;]+)/i.exec(header);
  if (star) {
    try {
      const bytes = Buffer.from(
        decodeURIComponent(star[2]!.trim())
          .split('')
          .map((c) => c.charCodeAt(0) & 0xff),
      );
      return /utf-?8/i.test(star[1]!) ? decodeURIComponent(star[2]!.trim()) : iconv.decode(bytes, 'gb18030');
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1]?.trim();
  if (!plain) return null;
  if (/^[\x00-\x7f]*$/.test(plain)) return plain;
  const raw = Buffer.from(plain, 'latin1');
  const decoded = iconv.decode(raw, 'gb18030');
  return /[\u3400-\u9fff]/.test(decoded) && !decoded.includes('\ufffd') ? decoded : plain;
}
