import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { absent, present } from '../detected.js';
import { hostRoots, type RootOptions, readOptional } from '../io/host-roots.js';
import { parseBtrfsErrorStats } from './parse-btrfs-device-stats.js';
import type { BtrfsFilesystem, BtrfsHealth } from './raid-types.js';

const list = async (dir: string): Promise<string[] | undefined> => {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return undefined;
  }
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Error counters of every mounted btrfs filesystem from sysfs
 * (`/sys/fs/btrfs/<uuid>/devinfo/<devid>/error_stats`, kernel 5.14+), no spawn. A device's name
 * is given when the filesystem has one device (sysfs does not map devids to names; for that, run
 * `btrfs --format json device stats <mount>` and {@link parseBtrfsDeviceStats}). Slow cadence.
 */
export async function readBtrfs(options: RootOptions = {}): Promise<BtrfsHealth> {
  const r = hostRoots(options);
  const base = join(r.sys, 'fs/btrfs');
  const entries = await list(base);
  if (entries === undefined) return absent('no /sys/fs/btrfs: the kernel has no btrfs support loaded');
  const filesystems: BtrfsFilesystem[] = [];
  let older = false;
  for (const uuid of entries.filter((e) => UUID.test(e))) {
    const dir = join(base, uuid);
    const devids = (await list(join(dir, 'devinfo'))) ?? [];
    const names = (await list(join(dir, 'devices'))) ?? [];
    const devices = [];
    for (const id of devids) {
      const text = await readOptional(r.readText, join(dir, 'devinfo', id, 'error_stats'));
      if (text === undefined) {
        older = true;
        continue;
      }
      const d = parseBtrfsErrorStats(Number(id), text);
      if (devids.length === 1 && names.length === 1) d.device = names[0]!;
      devices.push(d);
    }
    const fs: BtrfsFilesystem = { uuid, devices, totalErrors: 0 };
    const label = await readOptional(r.readText, join(dir, 'label'));
    if (label !== undefined) fs.label = label;
    fs.totalErrors = devices.reduce(
      (sum, d) =>
        sum + d.writeErrors + d.readErrors + d.flushErrors + d.corruptionErrors + d.generationErrors,
      0,
    );
    filesystems.push(fs);
  }
  if (filesystems.length === 0) return absent('no btrfs filesystem is mounted');
  if (older && filesystems.every((f) => f.devices.length === 0)) {
    return absent(
      'this kernel has no devinfo/*/error_stats in sysfs (before 5.14): use `btrfs device stats`',
    );
  }
  return present({ filesystems });
}
