import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadText } from './host-source.js';

/**
 * hwmon drivers whose temperature files answer from a CPU register or PCI config space in
 * microseconds (coretemp: an MSR read on the core; k10temp and zenpower: the SMN/PCI
 * registers), never from a bus or a device command. Everything else (nvme and drivetemp ask the
 * drive, I2C sensors the bus, acpitz runs ACPI methods) may take milliseconds and stays async.
 */
export const FAST_HWMON_CHIPS: ReadonlySet<string> = new Set(['coretemp', 'k10temp', 'zenpower']);

/** A chip's name is looked at again after this long (hwmon numbers move when drivers reload). */
const CHIP_RECHECK_MS = 60_000;

/**
 * Wraps a {@link ReadText} so that the temperature inputs of {@link FAST_HWMON_CHIPS}
 * (`<sysRoot>/class/hwmon/<hwmonN>/temp<i>_input`) are read with `readFileSync`, in the
 * collection's turn: each asynchronous read is an open, fstat, read and close on the thread
 * pool, four hops that each wake the kernel's loop, for every sensor, every second. Every other
 * path goes to `readText` as before; a failed synchronous read fails as the asynchronous one would.
 */
export function withFastSensorReads(sysRoot: string, readText: ReadText): ReadText {
  const hwmon = `${join(sysRoot, 'class/hwmon')}/`;
  const input = /^(hwmon\d+)\/temp\d+_input$/;
  const chips = new Map<string, { fast: boolean; at: number }>();
  const isFast = (dir: string, now: number): boolean => {
    const known = chips.get(dir);
    if (known && now - known.at < CHIP_RECHECK_MS) return known.fast;
    let fast = false;
    try {
      fast = FAST_HWMON_CHIPS.has(readFileSync(join(hwmon, dir, 'name'), 'utf8').trim());
    } catch {
      // no name: not one of the known drivers
    }
    if (chips.size > 256) chips.clear();
    chips.set(dir, { fast, at: now });
    return fast;
  };
  return (path) => {
    if (path.startsWith(hwmon)) {
      const m = input.exec(path.slice(hwmon.length));
      if (m && isFast(m[1] as string, performance.now())) {
        try {
          return Promise.resolve(readFileSync(path, 'utf8'));
        } catch (err) {
          return Promise.reject(err);
        }
      }
    }
    return readText(path);
  };
}
