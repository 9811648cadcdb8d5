import { isIPv4, isIPv6 } from 'node:net';

/** What kind of address an IP is, for outbound-fetch decisions. Only `public` is reachable by default. */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'ipv4-mapped'
  | 'reserved'
  | 'invalid';

/** `[base, prefixLength, class]` for IPv4; the ranges do not overlap, everything else is public. */
const V4_RANGES: [string, number, AddressClass][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // carrier-grade NAT
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255
];

const v4ToInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

const V4 = V4_RANGES.map(([base, bits, cls]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (v4ToInt(base) & mask) >>> 0, mask, cls };
});

function classifyV4(n: number): AddressClass {
  for (const r of V4) if ((n & r.mask) >>> 0 === r.net) return r.cls;
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped), or null. */
function v6Groups(ip: string): number[] | null {
  let s = (ip.split('%')[0] ?? '').toLowerCase();
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // A trailing dotted quad (`::ffff:127.0.0.1`) is two groups written the IPv4 way.
    if (!isIPv4(last)) return null;
    const n = v4ToInt(last);
    s = `${s.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16));
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function classifyV6(g: number[]): AddressClass {
  const [a, b, c, d, e, f, h, i] = g as [number, number, number, number, number, number, number, number];
  const embedded = ((h << 16) | i) >>> 0;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0xffff) return 'ipv4-mapped';
    if (f === 0 && h === 0 && i === 0) return 'unspecified';
    if (f === 0 && h === 0 && i === 1) return 'loopback';
    return 'reserved'; // IPv4-compatible (deprecated) and the rest of ::/80
  }
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return classifyV4(embedded); // NAT64
  if (a === 0x2002) return classifyV4(((b << 16) | c) >>> 0); // 6to4 embeds an IPv4 address
  if ((a & 0xfe00) === 0xfc00) return 'private'; // unique local
  if ((a & 0xffc0) === 0xfe80) return 'link-local';
  if ((a & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((a & 0xff00) === 0xff00) return 'multicast';
  if (a === 0x2001 && b === 0x0db8) return 'reserved'; // documentation
  if (a === 0x2001 && b === 0) return 'reserved'; // Teredo tunnels into IPv4 space
  if (a === 0x0100 && b === 0 && c === 0 && d === 0) return 'reserved'; // discard
  return 'public';
}

/**
 * Classifies an IP address (IPv4 dotted quad or IPv6, zone id allowed). IPv6 forms that embed
 * an IPv4 address (NAT64, 6to4) are judged by that address; IPv4-mapped IPv6 is its own class
 * (never reachable by default: it is the classic way round an IPv4 blocklist).
 */
export function classifyAddress(ip: string): AddressClass {
  if (isIPv4(ip)) return classifyV4(v4ToInt(ip));
  if (!isIPv6(ip.split('%')[0] ?? '')) return 'invalid';
  const groups = v6Groups(ip);
  return groups === null ? 'invalid' : classifyV6(groups);
}
