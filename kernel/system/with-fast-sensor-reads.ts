import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadText } from './host-source.js';

/**
 * hwmon drivers whose temperature files answer from a CPU register or PCI config space in
 * microseconds (coretemp: an MSR read on the core; k10temp and zenpower: the SMN/PCI
 * registers), never from a bus or a device command. Everything else (nvme and drivetemp ask the
 * drive, I2C sensors the bus, acpitz runs ACPI methods) may take milliseconds and stays async.
 */
export const FAST_HWMON_CHIPS: ReadonlySet<string> = new Set(['coretemp', 'k10temp', 'zenpower']);

/** Thermal zones read the same way: x86_pkg_temp is the package's MSR. */
export const FAST_THERMAL_ZONES: ReadonlySet<string> = new Set(['x86_pkg_temp']);

/** A chip's name (a zone's type) is looked at again after this long (numbers move when drivers reload). */
const CHIP_RECHECK_MS = 60_000;

/** What `dir` links to (sysfs class entries are links to their device), else `dir` itself. */
function linkOf(dir: string): string {
  try {
    return readlinkSync(dir);
  } catch {
    return dir;
  }
}

/** Where sensor inputs live: their directory under sysfs, the input file, and the file naming the driver. */
const KINDS = [
  { under: 'class/hwmon', input: /^(hwmon\d+)\/temp\d+_input$/, nameFile: 'name', fast: FAST_HWMON_CHIPS },
  { under: 'class/thermal', input: /^(thermal_zone\d+)\/temp$/, nameFile: 'type', fast: FAST_THERMAL_ZONES },
] as const;

/**
 * Wraps a {@link ReadText} so that the temperature inputs of {@link FAST_HWMON_CHIPS}
 * (`<sysRoot>/class/hwmon/<hwmonN>/temp<i>_input`) and of the thermal zones of
 * {@link FAST_THERMAL_ZONES} (`<sysRoot>/class/thermal/<thermal_zoneN>/temp`) are read with
 * `readFileSync`, in the collection's turn: each asynchronous read is an open, fstat, read and
 * close on the thread pool, hops that each wake the kernel's loop, for every sensor, every
 * second. Every other path goes to `readText` as before; a failed synchronous read rejects as
 * the asynchronous one would.
 */
export function withFastSensorReads(sysRoot: string, readText: ReadText): ReadText {
  const kinds = KINDS.map((k) => ({ ...k, prefix: `${join(sysRoot, k.under)}/` }));
  const known = new Map<string, { fast: boolean; at: number }>();
  const isFast = (dir: string, kind: (typeof kinds)[number], now: number): boolean => {
    // Keyed by what `hwmonN` links to (the device's own path): a driver reload that gives the
    // number to another chip (an nvme drive's, read through a command) is a new key, judged at once.
    const key = linkOf(dir);
    const was = known.get(key);
    if (was && now - was.at < CHIP_RECHECK_MS) return was.fast;
    let fast = false;
    try {
      fast = kind.fast.has(readFileSync(join(dir, kind.nameFile), 'utf8').trim());
    } catch {
      // no name: not one of the known drivers
    }
    if (known.size > 256) known.clear();
    known.set(key, { fast, at: now });
    return fast;
  };
  return (path) => {
    for (const kind of kinds) {
      if (!path.startsWith(kind.prefix)) continue;
      const m = kind.input.exec(path.slice(kind.prefix.length));
      if (m && isFast(kind.prefix + (m[1] as string), kind, performance.now())) {
        try {
          return Promise.resolve(readFileSync(path, 'utf8'));
        } catch (err) {
          return Promise.reject(err);
        }
      }
      break;
    }
    return readText(path);
  };
}
