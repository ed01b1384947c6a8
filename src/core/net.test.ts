import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress, parseTrustedProxies } from './net.ts';

describe('normalizeAddress', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    // Not an IPv4-mapped address: left alone, never mistaken for 10.0.0.1.
    ['::ffff:10.0.0.1.5', '::ffff:10.0.0.1.5'],
    ['64:ff9b::10.0.0.1', '64:ff9b::10.0.0.1'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});

describe('parseTrustedProxies', () => {
  it('accepts addresses and networks of both families', () => {
    const { proxies, problems } = parseTrustedProxies(' 10.0.0.0/8, 192.0.2.10 ,fd00::/8,::1 ');
    expect(problems).toEqual([]);
    expect(proxies.entries).toEqual(['10.0.0.0/8', '192.0.2.10', 'fd00::/8', '::1']);
    expect(proxies.catchAll).toBe(false);
    const verdicts = Object.fromEntries(
      [
        '10.1.2.3',
        '::ffff:10.1.2.3',
        '11.0.0.1',
        '192.0.2.10',
        '192.0.2.11',
        'fd12::1',
        'fe00::1',
        '::1',
        'unknown',
        '',
      ].map((a) => [a, proxies.has(a)]),
    );
    expect(verdicts).toEqual({
      '10.1.2.3': true,
      '::ffff:10.1.2.3': true,
      '11.0.0.1': false,
      '192.0.2.10': true,
      '192.0.2.11': false,
      'fd12::1': true,
      'fe00::1': false,
      '::1': true,
      unknown: false,
      '': false,
    });
  });

  it('trusts nobody when the list is empty', () => {
    const { proxies, problems } = parseTrustedProxies('');
    expect(problems).toEqual([]);
    expect(proxies.entries).toEqual([]);
    expect(['127.0.0.1', '::1', '10.0.0.1'].some((a) => proxies.has(a))).toBe(false);
  });

  it('names every entry it cannot read', () => {
    const { proxies, problems } = parseTrustedProxies(
      'proxy.internal,10.0.0.0/33,10.0.0.0/x,10.0.0.0/,fd00::/129,10.0.0.0/8/8,999.1.1.1,10.0.0.1',
    );
    expect(problems).toEqual([
      '"proxy.internal" is not an IP address or CIDR',
      '"10.0.0.0/33" has an invalid prefix length',
      '"10.0.0.0/x" has an invalid prefix length',
      '"10.0.0.0/" has an invalid prefix length',
      '"fd00::/129" has an invalid prefix length',
      '"10.0.0.0/8/8" has an invalid prefix length',
      '"999.1.1.1" is not an IP address or CIDR',
    ]);
    // The readable entries still count, so config can report all problems at once.
    expect(proxies.entries).toEqual(['10.0.0.1']);
  });

  it.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    ['10.0.0.0/8,::/0', true],
    ['::ffff:0.0.0.0/0', true],
    ['0.0.0.0/1', true],
    ['10.0.0.0/8', false],
  ])('flags %s as trusting every address: %s', (text, catchAll) => {
    expect(parseTrustedProxies(text).proxies.catchAll).toBe(catchAll);
  });
});

describe('clientAddress', () => {
  const { proxies } = parseTrustedProxies('10.0.0.0/8,fd00::/8');

  it.each([
    // peer, X-Forwarded-For, client address
    ['192.0.2.1', undefined, '192.0.2.1'],
    ['::ffff:192.0.2.1', undefined, '192.0.2.1'],
    // An untrusted peer's X-Forwarded-For is never believed.
    ['192.0.2.1', '203.0.113.9', '192.0.2.1'],
    ['2001:db8::1', '10.0.0.1', '2001:db8::1'],
    // From a trusted proxy: the right-most entry that is not itself a proxy.
    ['10.0.0.5', '203.0.113.9', '203.0.113.9'],
    ['::ffff:10.0.0.5', '203.0.113.9', '203.0.113.9'],
    ['10.0.0.5', '198.51.100.7, 203.0.113.9', '203.0.113.9'],
    ['10.0.0.5', '198.51.100.7, 203.0.113.9, 10.0.0.7', '203.0.113.9'],
    ['10.0.0.5', '198.51.100.7,203.0.113.9,fd00::7', '203.0.113.9'],
    ['fd00::5', '2001:db8::9', '2001:db8::9'],
    ['fd00::5', '::ffff:203.0.113.9', '203.0.113.9'],
    // Only proxies in the chain: the farthest one.
    ['10.0.0.5', '10.0.0.8, 10.0.0.7', '10.0.0.8'],
    // A trusted proxy that sends nothing: the proxy itself.
    ['10.0.0.5', undefined, '10.0.0.5'],
    ['10.0.0.5', '', '10.0.0.5'],
    ['10.0.0.5', ' , ', '10.0.0.5'],
    // No socket: never a trusted value.
    ['unknown', '203.0.113.9', 'unknown'],
  ])('peer %s with X-Forwarded-For %j → %s', (peer, forwardedFor, expected) => {
    expect(clientAddress(peer, forwardedFor, proxies)).toBe(expected);
  });

  it.each([
    // An entry that is not an address ends the trustworthy chain: what is left of it
    // was written by the client, so the forged 198.51.100.7 must not win.
    ['10.0.0.5', '198.51.100.7, not-an-address', '10.0.0.5'],
    ['10.0.0.5', '198.51.100.7, unknown, 10.0.0.7', '10.0.0.7'],
  ])('does not skip an unreadable hop: peer %s with %j → %s', (peer, forwardedFor, expected) => {
    expect(clientAddress(peer, forwardedFor, proxies)).toBe(expected);
  });

  it.each([
    // Proxies may add the client's port; it is removed, not taken for a bad entry.
    ['10.0.0.5', '198.51.100.7, 203.0.113.9:4431', '203.0.113.9'],
    ['10.0.0.5', '[2001:db8::9]:443', '2001:db8::9'],
  ])('drops a port: peer %s with %j → %s', (peer, forwardedFor, expected) => {
    expect(clientAddress(peer, forwardedFor, proxies)).toBe(expected);
  });
});

describe('too broad to be a list of proxies', () => {
  it.each(['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/7', '::/0', '::/1', '::ffff:0:0/96', '::/64'])(
    '%s trusts (nearly) everyone',
    (entry) => {
      expect(parseTrustedProxies(entry).proxies.catchAll).toBe(true);
    },
  );
  it.each(['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8', '::ffff:10.0.0.0/104', '2001:db8::/32'])(
    '%s is a network of proxies',
    (entry) => {
      expect(parseTrustedProxies(entry).proxies.catchAll).toBe(false);
    },
  );
});
