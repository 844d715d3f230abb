import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { promises as dns } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A channel target that may not be used: its message says why, for a person. */
export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
}

/**
 * Whether an address is internal: anything but a public unicast address
 * (loopback, private, link-local, unique-local, carrier-grade NAT,
 * multicast, reserved...). An IPv4 address mapped into IPv6 is judged as
 * IPv4.
 *
 * @example
 * isInternalAddress('10.1.2.3') // true
 */
export function isInternalAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() !== 'unicast';
}

/** A channel URL's scheme and host, refused unless http(s). */
export function parseTargetUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetRefusedError('the URL is not valid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefusedError('the URL must be http or https');
  if (url.username || url.password) throw new TargetRefusedError('the URL must not carry a user name or password');
  return url;
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Checks a channel URL at creation: http(s), and, unless private targets
 * are allowed, a host whose every address is public.
 */
export async function checkTargetUrl(text: string, allowPrivate: boolean): Promise<URL> {
  const url = parseTargetUrl(text);
  if (allowPrivate) return url;
  const host = hostOf(url);
  let addresses: LookupAddress[];
  try {
    addresses = ipaddr.isValid(host)
      ? [{ address: host, family: host.includes(':') ? 6 : 4 }]
      : await dns.lookup(host, { all: true });
  } catch {
    throw new TargetRefusedError(`the host ${host} does not resolve`);
  }
  const internal = addresses.find((a) => isInternalAddress(a.address));
  if (internal) {
    throw new TargetRefusedError(
      `the host ${host} resolves to an internal address (${internal.address}); an operator may allow that with ALERT_ALLOW_PRIVATE_TARGETS=1`,
    );
  }
  return url;
}

/**
 * A `lookup` for outgoing requests that refuses internal addresses when
 * the connection is made, so that a name re-pointed after the channel was
 * made (or between a check and the connection) cannot reach inside.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction | undefined {
  if (allowPrivate) return undefined;
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses;
      const internal = list.find((a) => isInternalAddress(a.address));
      if (internal || list.length === 0) {
        return callback(new TargetRefusedError(`the host ${hostname} resolves to an internal address`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
