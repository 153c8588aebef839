// Safe by construction: loopback unless a token is set; a token as a bearer header or a login
// cookie (HttpOnly, SameSite=Strict) that also names the reviewer; CSRF tokens on every POST; a
// per-response nonce for nianbao's own scripts and styles; Host checks against DNS rebinding.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export const isLoopback = (host: string): boolean => {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
};

export const newNonce = (): string => randomBytes(16).toString('base64');

/** The CSP of nianbao's pages: nothing runs or loads but what the response itself carries with its nonce. */
export const pageCsp = (nonce: string): string =>
  [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self'",
    "frame-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/** The CSP of a report shown in the source pane: a sandbox (no scripts, forms, top navigation), no loads. */
export const sourceCsp = (nonce: string): string =>
  `sandbox; default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'self'`;

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const SESSION_COOKIE = 'nianbao_session';

export class Guard {
  /** signs sessions and CSRF tokens; new on every start (a restart logs everyone out) */
  private readonly key = randomBytes(32);

  constructor(
    readonly token: string | null,
    /** the reviewer's name when no login names one (--who, $NIANBAO_USER, the login name) */
    readonly defaultWho: string,
  ) {}

  private mac(s: string): string {
    return createHmac('sha256', this.key).update(s).digest('base64url');
  }

  checkToken(t: string | null | undefined): boolean {
    return this.token === null || (typeof t === 'string' && equal(t, this.token));
  }

  /** A session cookie value naming the reviewer. */
  session(name: string): string {
    const n = Buffer.from(name).toString('base64url');
    return `${n}.${this.mac(`session|${n}`)}`;
  }

  /** The reviewer of a request, or null when it is not authenticated. */
  who(req: { cookie?: string | null; authorization?: string | null }): string | null {
    const bearer = req.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer !== undefined) return this.checkToken(bearer) ? this.defaultWho : null;
    if (this.token === null) return this.defaultWho;
    const v = req.cookie;
    if (!v) return null;
    const [n, sig] = v.split('.');
    if (!n || !sig || !equal(sig, this.mac(`session|${n}`))) return null;
    return Buffer.from(n, 'base64url').toString('utf8') || this.defaultWho;
  }

  /** A CSRF token bound to the session (or to "anonymous" on the login form). */
  csrf(session: string): string {
    return this.mac(`csrf|${session}`);
  }

  checkCsrf(session: string, t: unknown): boolean {
    return typeof t === 'string' && equal(t, this.csrf(session));
  }
}
