import { hostinfoError } from '../errors/index.js';
import type { BtrfsDeviceErrors } from './raid-types.js';

const FIELDS = {
  write_io_errs: 'writeErrors',
  read_io_errs: 'readErrors',
  flush_io_errs: 'flushErrors',
  corruption_errs: 'corruptionErrors',
  generation_errs: 'generationErrors',
  // sysfs error_stats names
  write_errs: 'writeErrors',
  read_errs: 'readErrors',
  flush_errs: 'flushErrors',
} as const satisfies Record<string, keyof BtrfsDeviceErrors>;

const blank = (devid: number): BtrfsDeviceErrors => ({
  devid,
  writeErrors: 0,
  readErrors: 0,
  flushErrors: 0,
  corruptionErrors: 0,
  generationErrors: 0,
});

const set = (d: BtrfsDeviceErrors, key: string, value: string): void => {
  const field = (FIELDS as Record<string, keyof BtrfsDeviceErrors>)[key];
  if (field && field !== 'devid' && field !== 'device') d[field] = Number(value);
};

/** Parses a sysfs `devinfo/<devid>/error_stats` file (`write_errs 0` lines, kernel 5.14+). */
export function parseBtrfsErrorStats(devid: number, text: string): BtrfsDeviceErrors {
  const d = blank(devid);
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) set(d, key, value);
  }
  return d;
}

/**
 * Parses `btrfs device stats <path>` output: the JSON of `btrfs --format json device stats`
 * (btrfs-progs 5.19+) or the classic `[/dev/sdb].write_io_errs   0` text.
 */
export function parseBtrfsDeviceStats(text: string): BtrfsDeviceErrors[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let doc: { 'device-stats'?: Array<Record<string, string>> };
    try {
      doc = JSON.parse(trimmed);
    } catch {
      throw hostinfoError(
        'HOSTINFO_ERR_PARSE',
        'btrfs device stats printed invalid JSON.',
        'btrfs device stats',
      );
    }
    return (doc['device-stats'] ?? []).map((entry, i) => {
      const d = blank(Number(entry.devid ?? i + 1));
      if (entry.device) d.device = entry.device;
      for (const [k, v] of Object.entries(entry)) set(d, k, v);
      return d;
    });
  }
  const byDevice = new Map<string, BtrfsDeviceErrors>();
  for (const line of trimmed.split('\n')) {
    const m = /^\[(.+)\]\.(\w+)\s+(\d+)$/.exec(line.trim());
    if (!m) continue;
    let d = byDevice.get(m[1]!);
    if (!d) {
      d = { ...blank(byDevice.size + 1), device: m[1]! };
      byDevice.set(m[1]!, d);
    }
    set(d, m[2]!, m[3]!);
  }
  return [...byDevice.values()];
}
