import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { shOk } from './sh.js';

/** Where labs of this machine record which /24 they hold (tmpfs: gone after a reboot, like the labs). */
export const LAB_LOCK_DIR = '/run/omega-netns';

/** A /24 this lab holds until {@link ClaimedSubnet.release}. */
export interface ClaimedSubnet {
  /** The first three octets, e.g. `10.203.7`. */
  prefix: string;
  /** `10.203.7.0/24`. */
  cidr: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every IPv4 /24 prefix ("a.b.c") that an address or a route of the host's namespace touches. */
async function usedPrefixes(): Promise<Set<string>> {
  const used = new Set<string>();
  const addrs = JSON.parse(await shOk('ip', ['-j', '-4', 'addr', 'show'])) as Array<{
    addr_info?: Array<{ local?: string; prefixlen?: number }>;
  }>;
  for (const link of addrs) {
    for (const a of link.addr_info ?? []) if (a.local) used.add(a.local.split('.').slice(0, 3).join('.'));
  }
  const routes = JSON.parse(await shOk('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])) as Array<{
    dst?: string;
  }>;
  for (const r of routes) {
    const m = r.dst && /^(\d+\.\d+\.\d+)\.\d+(?:\/(\d+))?$/.exec(r.dst);
    // A wider route (/16, /8) that covers our candidates makes the whole family unusable.
    if (m && (m[2] === undefined || Number(m[2]) >= 24)) used.add(m[1]!);
    else if (m && r.dst) used.add(`wide:${r.dst}`);
  }
  return used;
}

function coveredByWide(prefix: string, used: Set<string>): boolean {
  const ip = prefix.split('.').map(Number);
  const n = ((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8)) >>> 0;
  for (const u of used) {
    if (!u.startsWith('wide:')) continue;
    const [addr, bits] = u.slice(5).split('/');
    const o = addr!.split('.').map(Number);
    const base = ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
    const len = Number(bits);
    if (len === 0) continue; // the default route covers everything and decides nothing
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    if ((n & mask) >>> 0 === (base & mask) >>> 0) return true;
  }
  return false;
}

/**
 * Claims a /24 under `10.203.0.0/16` that no interface address or route of this machine uses
 * and that no other lab holds (an exclusive lock file per /24; a lock whose process died is
 * taken over). Refuses when none is free.
 */
export async function claimSubnet(lab: string, wanted?: string): Promise<ClaimedSubnet> {
  mkdirSync(LAB_LOCK_DIR, { recursive: true, mode: 0o700 });
  const used = await usedPrefixes();
  const candidates = wanted ? [wanted] : Array.from({ length: 250 }, (_, i) => `10.203.${(i + 7) % 250}`);
  for (const prefix of candidates) {
    if (used.has(prefix) || coveredByWide(prefix, used)) {
      if (wanted) throw new Error(`subnet ${prefix}.0/24 is already used on this machine; pick another`);
      continue;
    }
    const lock = join(LAB_LOCK_DIR, `${prefix}.0.lock`);
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch {
      let holder = 0;
      try {
        holder = (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid;
      } catch {
        // unreadable lock: treat as held
      }
      if (holder > 0 && !alive(holder)) {
        rmSync(lock, { force: true });
        try {
          fd = openSync(lock, 'wx', 0o600);
        } catch {
          continue;
        }
      } else {
        continue;
      }
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, lab }));
    closeSync(fd);
    return {
      prefix,
      cidr: `${prefix}.0/24`,
      release: () => rmSync(lock, { force: true }),
    };
  }
  throw new Error('no free /24 under 10.203.0.0/16 on this machine (every one is used or held by a lab)');
}
