import { BlockList, isIP } from 'node:net';

/** A parsed list of trusted proxy addresses and networks. */
export interface TrustedProxies {
  entries: string[];
  /** True when the list trusts every address (0.0.0.0/0 or ::/0). */
  catchAll: boolean;
  has(address: string): boolean;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; drops an IPv6 zone; lower-cases. */
export function normalizeAddress(address: string): string {
  let a = address.trim().toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped ? mapped[1]! : a;
}

/**
 * Parses `PAVED_TRUSTED_PROXIES`: comma-separated addresses or CIDRs.
 * Returns the problems instead of throwing, so config can list them all.
 */
export function parseTrustedProxies(text: string): { proxies: TrustedProxies; problems: string[] } {
  const list = new BlockList();
  const entries: string[] = [];
  const problems: string[] = [];
  let catchAll = false;
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addrPart, ...prefixParts] = raw.split('/');
    const prefixPart = prefixParts.length === 0 ? undefined : prefixParts.join('/');
    const address = normalizeAddress(addrPart ?? '');
    const family = isIP(address);
    if (family === 0) {
      problems.push(`"${raw}" is not an IP address or CIDR`);
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const max = family === 4 ? 32 : 128;
    if (prefixPart === undefined) {
      list.addAddress(address, type);
    } else {
      const prefix = Number(prefixPart);
      if (!/^\d+$/.test(prefixPart) || prefix > max) {
        problems.push(`"${raw}" has an invalid prefix length`);
        continue;
      }
      if (tooBroad(address, family, prefix)) catchAll = true;
      list.addSubnet(address, prefix, type);
    }
    entries.push(raw);
  }
  return {
    proxies: {
      entries,
      catchAll,
      has: (address) => {
        const a = normalizeAddress(address);
        const family = isIP(a);
        return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
      },
    },
    problems,
  };
}

/**
 * True for a network so wide it cannot be a list of proxies: any prefix
 * shorter than /8 (IPv4 or IPv6), or the whole IPv4-mapped
 * range (::ffff:0:0/96 and wider), which would trust every IPv4 client.
 */
function tooBroad(address: string, family: number, prefix: number): boolean {
  if (family === 4) return prefix < 8;
  if (prefix < 8) return true;
  const mapped = new BlockList();
  mapped.addSubnet(address, prefix, 'ipv6');
  return (
    prefix <= 96 &&
    mapped.check('::ffff:0.0.0.1', 'ipv6') &&
    mapped.check('::ffff:255.255.255.254', 'ipv6')
  );
}

/** `203.0.113.9:4431` → `203.0.113.9`, `[2001:db8::1]:443` → `2001:db8::1` (proxies may add ports). */
function withoutPort(hop: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (v6) return v6[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy;
 * then the right-most X-Forwarded-For entry that is not itself a trusted proxy.
 * Never trusts X-Forwarded-For from anyone else.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string {
  const peerAddress = normalizeAddress(peer);
  if (!trusted.has(peerAddress) || !forwardedFor) return peerAddress;
  const hops = forwardedFor
    .split(',')
    .map((h) => normalizeAddress(withoutPort(h.trim())))
    .filter(Boolean);
  let nearest = peerAddress;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    // An unreadable entry ends the chain: everything left of it is the client's own
    // claim, so skipping it would let a forged address win. Keep the last proxy instead.
    if (isIP(hop) === 0) return nearest;
    if (!trusted.has(hop)) return hop;
    nearest = hop;
  }
  return nearest;
}
