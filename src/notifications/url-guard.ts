// Where webhooks may send: public addresses, or private ones an admin lists.
// Checked when a webhook is saved and again at every connection (on the
// address actually connected to), so a host name that later resolves to a
// private address (DNS rebinding) is refused too.

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { normalizeAddress } from '../core/net.ts';

// Addresses a webhook must not reach unless allow-listed: "this network",
// loopback, private (RFC 1918, ULA), shared (CGNAT), link-local (which holds
// the cloud metadata address 169.254.169.254), benchmarking, IETF
// protocol assignments, multicast, reserved, broadcast, and the IPv6 forms
// that embed IPv4 (mapped, NAT64, 6to4, Teredo) or are unspecified.
const FORBIDDEN_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const FORBIDDEN_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped, when not written with dots
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2001::', 32], // Teredo
  ['2002::', 16], // 6to4
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

// One list per family: a BlockList also matches IPv4 addresses against IPv6
// rules in their mapped form, which ::ffff:0:0/96 would make every address.
const forbiddenV4 = new BlockList();
const forbiddenV6 = new BlockList();
for (const [a, p] of FORBIDDEN_V4) forbiddenV4.addSubnet(a, p, 'ipv4');
for (const [a, p] of FORBIDDEN_V6) forbiddenV6.addSubnet(a, p, 'ipv6');

/** True for an address a webhook must not reach without the allow-list. */
export function isForbiddenAddress(address: string): boolean {
  const a = normalizeAddress(address); // ::ffff:10.0.0.1 → 10.0.0.1
  const family = isIP(a);
  if (family === 0) return true;
  return family === 4 ? forbiddenV4.check(a, 'ipv4') : forbiddenV6.check(a, 'ipv6');
}

/** The admin's allow-list, parsed: host names, and addresses or networks. */
export interface AllowList {
  hosts: Set<string>;
  networks: BlockList;
}

export function parseAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const networks = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    const [addr, prefix] = entry.split('/');
    const address = normalizeAddress(addr ?? '');
    const family = isIP(address);
    if (family === 0) {
      hosts.add(entry.replace(/\.$/, ''));
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const max = family === 4 ? 32 : 128;
    const bits = prefix === undefined ? max : Number(prefix);
    if (Number.isInteger(bits) && bits >= 0 && bits <= max) networks.addSubnet(address, bits, type);
  }
  return { hosts, networks };
}

function allowedAddress(address: string, allow: AllowList): boolean {
  const a = normalizeAddress(address);
  const family = isIP(a);
  if (family === 0) return false;
  return !isForbiddenAddress(a) || allow.networks.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

/** Host name of a URL without IPv6 brackets or a trailing dot, lower-cased. */
function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

export type Resolver = (host: string) => Promise<string[]>;

/** Every address a host name resolves to (all families). */
export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve((addresses as LookupAddress[]).map((a) => a.address));
    });
  });

/**
 * Why a URL may not receive webhooks, or null when it may: it must be http
 * or https without credentials, and every address its host resolves to
 * must be public, unless the allow-list names the host or the address.
 */
export async function webhookUrlProblem(
  text: string,
  allowEntries: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Give a full address starting with https:// (or http://).';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'Webhooks are sent over https:// (or http://) only.';
  }
  if (url.username || url.password) {
    return 'Leave credentials out of the address; paved signs every body instead.';
  }
  const allow = parseAllowList(allowEntries);
  const host = hostOf(url);
  if (allow.hosts.has(host)) return null;
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return `The host ${host} cannot be found.`;
    }
  }
  if (addresses.length === 0) return `The host ${host} cannot be found.`;
  const refused = addresses.find((a) => !allowedAddress(a, allow));
  if (refused) {
    return `${host} ${isIP(host) ? 'is' : `resolves to ${refused}, which is`} a private, loopback, link-local or metadata address; an admin can allow it in the webhook settings.`;
  }
  return null;
}

/**
 * A `lookup` for http.request that resolves as usual but refuses any address
 * the allow-list does not admit, so the address connected to is the address
 * checked. Hosts named in the allow-list resolve without the check.
 */
export function guardedLookup(allowEntries: readonly string[]) {
  const allow = parseAllowList(allowEntries);
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as LookupAddress[];
      const trusted = allow.hosts.has(hostname.replace(/\.$/, '').toLowerCase());
      const refused = trusted ? undefined : list.find((a) => !allowedAddress(a.address, allow));
      if (refused || list.length === 0) {
        const e: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to ${refused?.address ?? 'nothing'}, a forbidden address`,
        );
        e.code = 'EPAVEDFORBIDDEN';
        return callback(e, '');
      }
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
