// SSRF guard: every connection's resolved address is checked at connect time (so redirects and
// DNS tricks are covered too). Loopback is allowed only when the run says so (tests, the demo);
// private and link-local ranges never are.
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  );

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const forbidden = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  forbidden.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::', 128],
] as const)
  forbidden.addSubnet(net, bits, 'ipv6');

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
  readonly code = 'EBLOCKED';
}

/** Why an address may not be contacted, or null when it may. */
export function blockedReason(address: string, allowLoopback: boolean): string | null {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(address, family))
    return allowLoopback ? null : `loopback address ${address}: use --allow-loopback`;
  if (family === 'ipv6' && address.toLowerCase().startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return blockedReason(v4, allowLoopback);
  }
  return forbidden.check(address, family) ? `private or reserved address ${address}` : null;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | Array<{ address: string; family: number }>,
  family?: number,
) => void;

/** A `net.connect` lookup that resolves through `resolver` and refuses forbidden addresses. */
export function guardedLookup(resolver: Resolver, allowLoopback: boolean) {
  return (hostname: string, options: { all?: boolean } | number | LookupCallback, cb?: LookupCallback) => {
    const callback = (typeof options === 'function' ? options : cb)!;
    const all = typeof options === 'object' && options !== null && options.all === true;
    resolver(hostname).then(
      (addrs) => {
        if (!addrs.length)
          return callback(Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }), '', 0);
        for (const a of addrs) {
          const why = blockedReason(a.address, allowLoopback);
          if (why) return callback(new BlockedAddressError(`refused to connect to ${hostname}: ${why}`), '', 0);
        }
        if (all) callback(null, addrs);
        else callback(null, addrs[0]!.address, addrs[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/** For URLs whose host is an IP literal (no lookup happens): check before connecting. */
export function checkLiteralHost(url: string, allowLoopback: boolean): string | null {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? blockedReason(host, allowLoopback) : null;
}
