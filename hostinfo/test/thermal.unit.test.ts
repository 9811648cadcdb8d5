import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createThrottleLog, readCpufreq, readNvidiaGpus, readThermal, readThrottle } from '../src/index.js';
import { hasCommand, removeAll, writeTree } from './helpers/host-tools.js';

/**
 * Hand-written sysfs of a throttling 1-socket, 2-core/4-thread laptop, laid out as the kernel
 * documents it (Documentation/hwmon/sysfs-interface.rst, thermal/sysfs-api.rst,
 * admin-guide/pm/cpufreq.rst, x86 therm_throt's thermal_throttle/ files): this machine has no
 * sensors, no cpufreq and no throttle counters. Values are in the kernel's units (m°C, kHz, ms).
 */
function laptop(coreCounts: number[], pkgCount: number, curKhz: number[]): Record<string, string> {
  const files: Record<string, string> = {
    'sys/devices/system/cpu/online': '0-3\n',
    'sys/class/hwmon/hwmon3/name': 'coretemp\n',
    'sys/class/hwmon/hwmon3/temp1_label': 'Package id 0\n',
    'sys/class/hwmon/hwmon3/temp1_input': '99000\n',
    'sys/class/hwmon/hwmon3/temp1_max': '100000\n',
    'sys/class/hwmon/hwmon3/temp1_crit': '100000\n',
    'sys/class/hwmon/hwmon3/temp2_label': 'Core 0\n',
    'sys/class/hwmon/hwmon3/temp2_input': '98000\n',
    'sys/class/hwmon/hwmon3/temp3_label': 'Core 1\n',
    'sys/class/hwmon/hwmon3/temp3_input': '97000\n',
    'sys/class/thermal/thermal_zone0/type': 'x86_pkg_temp\n',
    'sys/class/thermal/thermal_zone0/temp': '99000\n',
    'sys/class/thermal/thermal_zone0/trip_point_0_type': 'passive\n',
    'sys/class/thermal/thermal_zone0/trip_point_0_temp': '95000\n',
    'sys/class/thermal/thermal_zone0/trip_point_1_type': 'critical\n',
    'sys/class/thermal/thermal_zone0/trip_point_1_temp': '105000\n',
  };
  for (let cpu = 0; cpu < 4; cpu++) {
    const d = `sys/devices/system/cpu/cpu${cpu}`;
    files[`${d}/topology/physical_package_id`] = '0\n';
    files[`${d}/topology/core_id`] = `${cpu % 2}\n`;
    files[`${d}/thermal_throttle/core_throttle_count`] = `${coreCounts[cpu]}\n`;
    files[`${d}/thermal_throttle/core_throttle_total_time_ms`] = `${coreCounts[cpu]! * 20}\n`;
    files[`${d}/thermal_throttle/package_throttle_count`] = `${pkgCount}\n`;
    files[`${d}/thermal_throttle/package_throttle_total_time_ms`] = `${pkgCount * 50}\n`;
    files[`${d}/cpufreq/scaling_cur_freq`] = `${curKhz[cpu]}\n`;
    files[`${d}/cpufreq/cpuinfo_max_freq`] = '4200000\n';
    files[`${d}/cpufreq/cpuinfo_min_freq`] = '400000\n';
    files[`${d}/cpufreq/scaling_max_freq`] = cpu < 2 ? '4200000\n' : '2000000\n';
    files[`${d}/cpufreq/scaling_governor`] = 'powersave\n';
    files[`${d}/cpufreq/scaling_driver`] = 'intel_pstate\n';
  }
  return files;
}

const dirs: string[] = [];
afterAll(() => removeAll(dirs));
const tree = async (files: Record<string, string>) => {
  const root = await writeTree(files);
  dirs.push(root);
  return root;
};

describe('thermal sensors with thresholds', () => {
  it('hwmon max/crit and thermal-zone trip points (critical; hot, else lowest passive)', async () => {
    const t = await readThermal({ root: await tree(laptop([0, 0, 0, 0], 0, [1, 1, 1, 1])) });
    if (!t.available) throw new Error(t.reason);
    expect(t.sensors.find((s) => s.label === 'Package id 0')).toMatchObject({
      celsius: 99,
      maxCelsius: 100,
      criticalCelsius: 100,
    });
    expect(t.sensors.find((s) => s.chip === 'x86_pkg_temp')).toEqual({
      chip: 'x86_pkg_temp',
      source: 'thermal',
      celsius: 99,
      maxCelsius: 95,
      criticalCelsius: 105,
    });
    expect(t.cpu.maxCelsius).toBe(99);
  });

  it('no sensors: absent with the reason', async () => {
    const t = await readThermal({ root: await tree({ 'sys/class/thermal/.keep': '' }) });
    expect(t).toEqual({ available: false, reason: expect.stringContaining('no thermal sensors exposed') });
  });
});

describe('throttle counters → "throttled N times in the last hour"', () => {
  it('reads core counters per CPU and the package counter once', async () => {
    const r = await readThrottle({ root: await tree(laptop([3, 3, 1, 1], 7, [1, 1, 1, 1])) });
    if (!r.available) throw new Error(r.reason);
    expect(r.cores.map((c) => [c.cpu, c.core, c.count, c.totalMs])).toEqual([
      [0, 0, 3, 60],
      [1, 1, 3, 60],
      [2, 0, 1, 20],
      [3, 1, 1, 20],
    ]);
    expect(r.packages).toEqual([{ package: 0, count: 7, totalMs: 350 }]);
  });

  it('counter deltas with their times become events; the window counts only recent ones', async () => {
    const log = createThrottleLog(100);
    const at = (min: number) => 1_000_000 + min * 60_000;
    const reading = async (cores: number[], pkg: number, min: number) => {
      const r = await readThrottle({ root: await tree(laptop(cores, pkg, [1, 1, 1, 1])) });
      if (!r.available) throw new Error(r.reason);
      return { ...r, at: at(min) };
    };
    expect(log.record(await reading([3, 3, 1, 1], 7, 0))).toEqual([]); // baseline
    const e1 = log.record(await reading([5, 3, 1, 1], 7, 10));
    expect(e1).toEqual([{ from: at(0), to: at(10), scope: 'core', id: 0, count: 2, ms: 40 }]);
    log.record(await reading([5, 3, 1, 1], 9, 50)); // package throttled twice between minute 10 and 50
    log.record(await reading([5, 3, 1, 1], 9, 70)); // quiet
    const s = log.summary(at(70), 3_600_000);
    // The core event ended at minute 10: outside the last hour at minute 70. The package one is inside.
    expect(s.count).toBe(2);
    expect(s.events.map((e) => [e.scope, e.id, e.count])).toEqual([['package', 0, 2]]);
    expect(s.lastAt).toBe(at(50));
    expect(s.throttledMs).toBe(100);
    expect(log.summary(at(70), 2 * 3_600_000).count).toBe(4);
  });

  it('a counter that went down (reboot) starts a new baseline; the log stays bounded', async () => {
    const log = createThrottleLog(3);
    const c = (n: number, at: number) => ({ at, cores: [{ cpu: 0, count: n }], packages: [] });
    log.record(c(10, 1));
    expect(log.record(c(2, 2))).toEqual([]);
    for (let i = 3; i < 10; i++) log.record(c(i, i));
    expect(log.summary(100, 1000).events).toHaveLength(3);
  });
});

describe('cpufreq', () => {
  it('current vs maximum per CPU, in Hz, and which CPUs a policy caps', async () => {
    const f = await readCpufreq({
      root: await tree(laptop([0, 0, 0, 0], 0, [4100000, 800000, 1900000, 2000000])),
    });
    if (!f.available) throw new Error(f.reason);
    expect(f.cpus.map((c) => [c.cpu, c.currentHz, c.ratio.toFixed(3), c.capped])).toEqual([
      [0, 4.1e9, '0.976', false],
      [1, 8e8, '0.190', false],
      [2, 1.9e9, '0.452', true],
      [3, 2e9, '0.476', true],
    ]);
    expect(f.cpus[0]).toMatchObject({
      maxHz: 4.2e9,
      minHz: 4e8,
      governor: 'powersave',
      driver: 'intel_pstate',
    });
  });
});

describe('this machine', () => {
  const hasFiles = (dir: string) => {
    try {
      return readdirSync(dir).length > 0;
    } catch {
      return false;
    }
  };

  it('sensors, throttle counters and cpufreq are reported as they are: present with figures, or absent with why', async () => {
    const thermal = await readThermal();
    expect(thermal.available).toBe(hasFiles('/sys/class/hwmon') || hasFiles('/sys/class/thermal'));
    if (!thermal.available) expect(thermal.reason).toMatch(/no thermal sensors exposed|none readable/);
    const throttle = await readThrottle();
    const hasThrottle = hasFiles('/sys/devices/system/cpu/cpu0/thermal_throttle');
    expect(throttle.available).toBe(hasThrottle);
    if (!throttle.available) expect(throttle.reason).toContain('thermal_throttle');
    const freq = await readCpufreq();
    expect(freq.available).toBe(hasFiles('/sys/devices/system/cpu/cpu0/cpufreq'));
    if (freq.available) for (const c of freq.cpus) expect(c.ratio).toBeGreaterThan(0);
    else expect(freq.reason).toContain('no cpufreq');
  });

  it('GPU: nvidia-smi absent here is "nvidia-smi not installed", never zeros', async (ctx) => {
    if (hasCommand('nvidia-smi'))
      ctx.skip('nvidia-smi is installed here: covered by the recorded-output tests');
    expect(await readNvidiaGpus()).toEqual({ available: false, reason: 'nvidia-smi not installed' });
  });
});
