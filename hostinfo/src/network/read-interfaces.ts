import { readdir } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { absent, present } from '../detected.js';
import { hostRoots, type RootOptions, readNumber, readOptional } from '../io/host-roots.js';
import type { InterfaceAddress, InterfaceInfo } from './network-types.js';

/** Options of {@link readInterfaces}. */
export interface InterfaceOptions extends RootOptions {
  /**
   * Where addresses come from (default `os.networkInterfaces()`, i.e. getifaddrs(3) of this
   * process's network namespace, when `root` is `/`). Addresses are not in /proc or /sys, so a
   * recorded tree has none unless this is given.
   */
  addresses?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

const toAddress = (a: os.NetworkInterfaceInfo): InterfaceAddress => ({
  family: a.family,
  address: a.address,
  prefix: Number(a.cidr?.split('/')[1] ?? 0),
});

/**
 * Every network interface from `/sys/class/net/<if>/` (operstate, carrier, carrier_changes,
 * carrier_up_count/down_count, speed, duplex, mtu, address) with its addresses. Slow cadence
 * (10 s or on change): ~10 small files per interface. Speed is absent with why where the driver
 * has none (virtio, bridges: sysfs gives -1 or EINVAL) or the link is down (no carrier). No spawn.
 */
export async function readInterfaces(options: InterfaceOptions = {}): Promise<InterfaceInfo[]> {
  const r = hostRoots(options);
  const base = join(r.sys, 'class/net');
  let names: string[];
  try {
    names = (await readdir(base)).sort();
  } catch {
    return [];
  }
  const source = options.addresses ?? (r.root === '/' ? () => os.networkInterfaces() : undefined);
  const addrs = source?.();
  const out: InterfaceInfo[] = [];
  for (const name of names) {
    const dir = join(base, name);
    const t = (f: string) => readOptional(r.readText, join(dir, f));
    const n = (f: string) => readNumber(r.readText, join(dir, f));
    const [operstate, carrier, changes, ups, downs, speed, duplex, mtu, mac, type] = await Promise.all([
      t('operstate'),
      n('carrier'),
      n('carrier_changes'),
      n('carrier_up_count'),
      n('carrier_down_count'),
      n('speed'),
      t('duplex'),
      n('mtu'),
      t('address'),
      n('type'),
    ]);
    let hasDevice = true;
    try {
      await readdir(join(dir, 'device'));
    } catch {
      hasDevice = false;
    }
    const info: InterfaceInfo = {
      name,
      operstate: operstate ?? 'unknown',
      // Without carrier a speed is meaningless (some drivers still report the last one): absent.
      speed:
        carrier !== 1
          ? absent('no link speed: the link is down')
          : speed !== undefined && speed > 0
            ? present({ mbps: speed })
            : absent('no link speed: the driver reports none (virtual NIC, bridge or tunnel)'),
      kind: type === 772 ? 'loopback' : hasDevice ? 'device' : 'virtual',
      addresses: addrs
        ? present({ list: (addrs[name] ?? []).map(toAddress) })
        : absent('addresses come from getifaddrs(3) of the running kernel, not from a recorded tree'),
    };
    if (carrier !== undefined) info.carrier = carrier === 1;
    if (changes !== undefined) info.carrierChanges = changes;
    if (ups !== undefined) info.carrierUpCount = ups;
    if (downs !== undefined) info.carrierDownCount = downs;
    if (duplex !== undefined && duplex !== 'unknown') info.duplex = duplex;
    if (mtu !== undefined) info.mtu = mtu;
    if (mac !== undefined) info.mac = mac;
    out.push(info);
  }
  return out;
}
