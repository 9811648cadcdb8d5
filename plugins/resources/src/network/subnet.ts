/** Parses an IPv4 address into its 4 bytes, or undefined. */
function v4(a: string): number[] | undefined {
  const parts = a.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

/** Parses an IPv6 address (with `::` and an optional embedded IPv4 tail) into 16 bytes, or undefined. */
function v6(a: string): number[] | undefined {
  const addr = a.split('%')[0]!;
  const halves = addr.split('::');
  if (halves.length > 2) return undefined;
  const words = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const b = v4(p);
        if (!b) return undefined;
        out.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const w = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return w.flatMap((x) => [x >> 8, x & 0xff]);
}

function mask(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return bits === 8 ? b : b & ((0xff << (8 - bits)) & 0xff);
  });
}

function formatV6(bytes: number[]): string {
  const w = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  // The longest run of zero words (of two or more) becomes `::`, as RFC 5952 writes it.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * The subnet an address with a prefix length belongs to, in CIDR form (`10.203.7.0/24`,
 * `2001:db8::/64`), or undefined for something that is not an address. Link-local addresses
 * (169.254/16, fe80::/10) are answered too; callers leave them out of a topology (every link has
 * the same one).
 */
export function subnetOf(
  address: string,
  prefix: number,
): { id: string; family: 'IPv4' | 'IPv6' } | undefined {
  if (!Number.isInteger(prefix) || prefix < 0) return undefined;
  const four = v4(address);
  if (four) {
    if (prefix > 32) return undefined;
    return { id: `${mask(four, prefix).join('.')}/${prefix}`, family: 'IPv4' };
  }
  const six = v6(address);
  if (six && prefix <= 128) return { id: `${formatV6(mask(six, prefix))}/${prefix}`, family: 'IPv6' };
  return undefined;
}

/** True for link-local addresses (169.254.0.0/16, fe80::/10) and loopback ones. */
export function isLinkLocalOrLoopback(address: string): boolean {
  const four = v4(address);
  if (four) return (four[0] === 169 && four[1] === 254) || four[0] === 127;
  const six = v6(address);
  if (!six) return false;
  return (six[0] === 0xfe && (six[1]! & 0xc0) === 0x80) || six.every((b, i) => b === (i === 15 ? 1 : 0));
}
