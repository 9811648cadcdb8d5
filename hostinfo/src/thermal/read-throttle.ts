import { join } from 'node:path';
import { parseCpuList } from '../cpu/parse-cpu-list.js';
import { absent, present } from '../detected.js';
import { hostRoots, type RootOptions, readNumber, readOptional } from '../io/host-roots.js';
import type { CoreThrottle, PackageThrottle, ThrottleReading } from './thermal-types.js';

/**
 * Reads the CPUs' own thermal throttle counters
 * (`/sys/devices/system/cpu/cpuN/thermal_throttle/{core,package}_throttle_count` and
 * `_total_time_ms`, x86 therm_throt). Package counters are per package: read once, from its first
 * CPU. Absent when no CPU has them (VMs, non-x86). No spawn; two small files per CPU, so a 10 s
 * cadence is plenty (the counters are cumulative: nothing is missed between reads).
 */
export async function readThrottle(options: RootOptions = {}): Promise<ThrottleReading> {
  const r = hostRoots(options);
  const base = join(r.sys, 'devices/system/cpu');
  const online = await readOptional(r.readText, join(base, 'online'));
  if (online === undefined) return absent('no /sys/devices/system/cpu/online');
  const at = Date.now();
  const cores: CoreThrottle[] = [];
  const packages = new Map<number, PackageThrottle>();
  for (const cpu of parseCpuList(online)) {
    const dir = join(base, `cpu${cpu}`);
    const count = await readNumber(r.readText, join(dir, 'thermal_throttle/core_throttle_count'));
    if (count === undefined) continue;
    const [ms, pkg, core, pkgCount, pkgMs] = await Promise.all([
      readNumber(r.readText, join(dir, 'thermal_throttle/core_throttle_total_time_ms')),
      readNumber(r.readText, join(dir, 'topology/physical_package_id')),
      readNumber(r.readText, join(dir, 'topology/core_id')),
      readNumber(r.readText, join(dir, 'thermal_throttle/package_throttle_count')),
      readNumber(r.readText, join(dir, 'thermal_throttle/package_throttle_total_time_ms')),
    ]);
    const c: CoreThrottle = { cpu, count };
    if (pkg !== undefined) c.package = pkg;
    if (core !== undefined) c.core = core;
    if (ms !== undefined) c.totalMs = ms;
    cores.push(c);
    if (pkgCount !== undefined && !packages.has(pkg ?? 0)) {
      const p: PackageThrottle = { package: pkg ?? 0, count: pkgCount };
      if (pkgMs !== undefined) p.totalMs = pkgMs;
      packages.set(p.package, p);
    }
  }
  if (cores.length === 0) {
    return absent('no thermal_throttle counters in sysfs: the CPU or VM exposes none (x86 therm_throt only)');
  }
  return present({ at, cores, packages: [...packages.values()].sort((a, b) => a.package - b.package) });
}
