import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { omegaError } from '../errors/index.js';
import { classifyAddress } from './classify-address.js';

/** The one address a request will connect to, checked before connecting. */
export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/** Options of {@link pinAddress}. */
export interface PinOptions {
  /** Allow loopback, private, link-local, … addresses (tests, or an operator's explicit choice). */
  allowPrivate?: boolean;
  /** Ports never reachable on this machine's own addresses (the kernel's listeners). */
  forbidPorts?: readonly number[];
  /** Name resolution (default: the system resolver, `dns.lookup` with `all`). */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

const systemResolve = (hostname: string) => lookup(hostname, { all: true, verbatim: true });

const stripZone = (ip: string): string => (ip.split('%')[0] ?? ip).toLowerCase();

/** True when `ip` is one of this machine's addresses (where the kernel's own ports listen). */
function isOwnAddress(ip: string): boolean {
  const cls = classifyAddress(ip);
  if (cls === 'loopback' || cls === 'unspecified' || cls === 'ipv4-mapped') return true;
  const want = stripZone(ip);
  return Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((info) => stripZone(info.address) === want),
  );
}

/**
 * Resolves `hostname` once and checks every address it resolves to: any address that is not
 * public (loopback, private, link-local, unspecified, IPv4-mapped, multicast, reserved) is
 * refused unless `allowPrivate`, and `forbidPorts` are refused on this machine's own
 * addresses. Returns the address to connect to, so a second DNS answer (rebinding) cannot
 * change it. Throws OMEGA_ERR_PERM_DENIED, or OMEGA_ERR_FETCH_FAILED when the name does not resolve.
 */
export async function pinAddress(
  hostname: string,
  port: number,
  opts: PinOptions = {},
): Promise<PinnedAddress> {
  let addresses: { address: string; family: number }[];
  const literal = isIP(hostname);
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal }];
  } else {
    try {
      addresses = await (opts.resolve ?? systemResolve)(hostname);
    } catch (err) {
      throw omegaError(
        'OMEGA_ERR_FETCH_FAILED',
        `The host "${hostname}" does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
        { host: hostname },
      );
    }
  }
  if (addresses.length === 0) {
    throw omegaError('OMEGA_ERR_FETCH_FAILED', `The host "${hostname}" has no address.`, { host: hostname });
  }
  for (const { address } of addresses) {
    const cls = classifyAddress(address);
    if (cls !== 'public' && !opts.allowPrivate) {
      throw omegaError(
        'OMEGA_ERR_PERM_DENIED',
        `Fetching "${hostname}" is refused: it resolves to ${address}, a ${cls} address.`,
        { host: hostname, address, addressClass: cls, fix: 'Plugins may fetch public addresses only.' },
      );
    }
    if (opts.forbidPorts?.includes(port) && isOwnAddress(address)) {
      throw omegaError(
        'OMEGA_ERR_PERM_DENIED',
        `Fetching "${hostname}:${port}" is refused: that is one of the kernel's own ports on this machine.`,
        { host: hostname, address, port, fix: 'Plugins call the kernel through host calls, not over HTTP.' },
      );
    }
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
