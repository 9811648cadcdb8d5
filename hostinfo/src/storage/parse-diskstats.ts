import type { BlockDeviceIo } from '../types.js';

/** /proc/diskstats counts 512-byte sectors whatever the device's own sector size. */
const SECTOR_BYTES = 512;

/**
 * Devices left out by default, as node_exporter does: RAM disks, loop devices, floppies and
 * partitions (their IO is already in the whole disk's counters).
 */
export const IGNORED_BLOCK_DEVICES = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

/** Parses /proc/diskstats into cumulative counters per block device, skipping `ignore` matches. */
export function parseDiskstats(text: string, ignore: RegExp = IGNORED_BLOCK_DEVICES): BlockDeviceIo[] {
  const devices: BlockDeviceIo[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const name = f[2]!;
    if (ignore.test(name)) continue;
    const n = (i: number) => Number(f[i]);
    devices.push({
      name,
      readsCompleted: n(3),
      writesCompleted: n(7),
      readBytes: n(5) * SECTOR_BYTES,
      writtenBytes: n(9) * SECTOR_BYTES,
      readTimeSeconds: n(6) / 1000,
      writeTimeSeconds: n(10) / 1000,
      ioInProgress: n(11),
      ioTimeSeconds: n(12) / 1000,
    });
  }
  return devices;
}
