import type { DiskCounters } from './storage-types.js';

/**
 * Parses /proc/diskstats into every counter the kernel gives per block device
 * (Documentation/admin-guide/iostats.rst): 11 fields on every kernel, discards from 4.18
 * (15 fields), flushes from 5.5 (17). Fields a kernel does not have stay absent. Devices matching
 * `ignore` are skipped (default: none, unlike {@link parseDiskstats}, so partitions and loop
 * devices can be asked for).
 */
export function parseDiskCounters(text: string, ignore?: RegExp): DiskCounters[] {
  const out: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const name = f[2]!;
    if (ignore?.test(name)) continue;
    const n = (i: number) => Number(f[i]);
    const c: DiskCounters = {
      name,
      major: n(0),
      minor: n(1),
      readIos: n(3),
      readMerges: n(4),
      readSectors: n(5),
      readTicksMs: n(6),
      writeIos: n(7),
      writeMerges: n(8),
      writeSectors: n(9),
      writeTicksMs: n(10),
      inFlight: n(11),
      ioTicksMs: n(12),
      timeInQueueMs: n(13),
    };
    if (f.length >= 18) {
      c.discardIos = n(14);
      c.discardMerges = n(15);
      c.discardSectors = n(16);
      c.discardTicksMs = n(17);
    }
    if (f.length >= 20) {
      c.flushIos = n(18);
      c.flushTicksMs = n(19);
    }
    out.push(c);
  }
  return out;
}

/**
 * Turns one /sys/block/<dev>/stat (the same counters without major, minor and name) into
 * {@link DiskCounters} named `name`.
 */
export function parseBlockStat(name: string, text: string, major = 0, minor = 0): DiskCounters | undefined {
  return parseDiskCounters(`${major} ${minor} ${name} ${text.trim()}`)[0];
}
