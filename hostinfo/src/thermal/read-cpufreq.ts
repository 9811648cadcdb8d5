import { join } from 'node:path';
import { parseCpuList } from '../cpu/parse-cpu-list.js';
import { absent, present } from '../detected.js';
import { hostRoots, type RootOptions, readNumber, readOptional } from '../io/host-roots.js';
import type { CpuFrequency, FrequencyReading } from './thermal-types.js';

/**
 * Current against maximum frequency per CPU from cpufreq
 * (`/sys/devices/system/cpu/cpuN/cpufreq/`: scaling_cur_freq, cpuinfo_max_freq, cpuinfo_min_freq,
 * scaling_max_freq, bios_limit, scaling_governor, scaling_driver; kHz in sysfs, Hz here). A CPU
 * whose policy or firmware ceiling is below its hardware maximum is `capped`; one running well
 * below its maximum while busy is being held down (the caller has the load to judge that).
 * Absent when there is no cpufreq (most VMs). No spawn; cheap enough for 1 s, 10 s is plenty.
 */
export async function readCpufreq(options: RootOptions = {}): Promise<FrequencyReading> {
  const r = hostRoots(options);
  const base = join(r.sys, 'devices/system/cpu');
  const online = await readOptional(r.readText, join(base, 'online'));
  if (online === undefined) return absent('no /sys/devices/system/cpu/online');
  const at = Date.now();
  const cpus: CpuFrequency[] = [];
  for (const cpu of parseCpuList(online)) {
    const dir = join(base, `cpu${cpu}/cpufreq`);
    const khz = (f: string) => readNumber(r.readText, join(dir, f));
    const [cur, max, min, policyMax, bios] = await Promise.all([
      khz('scaling_cur_freq'),
      khz('cpuinfo_max_freq'),
      khz('cpuinfo_min_freq'),
      khz('scaling_max_freq'),
      khz('bios_limit'),
    ]);
    if (cur === undefined || max === undefined || max <= 0) continue;
    const f: CpuFrequency = {
      cpu,
      currentHz: cur * 1000,
      maxHz: max * 1000,
      ratio: cur / max,
      capped: false,
    };
    if (min !== undefined) f.minHz = min * 1000;
    if (policyMax !== undefined) f.policyMaxHz = policyMax * 1000;
    if (bios !== undefined) f.biosLimitHz = bios * 1000;
    f.capped = (policyMax !== undefined && policyMax < max) || (bios !== undefined && bios < max);
    const [governor, driver] = await Promise.all([
      readOptional(r.readText, join(dir, 'scaling_governor')),
      readOptional(r.readText, join(dir, 'scaling_driver')),
    ]);
    if (governor !== undefined) f.governor = governor;
    if (driver !== undefined) f.driver = driver;
    cpus.push(f);
  }
  if (cpus.length === 0) return absent('no cpufreq: the kernel or VM exposes no CPU frequency scaling');
  return present({ at, cpus });
}
