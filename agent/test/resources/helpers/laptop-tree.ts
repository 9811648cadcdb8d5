/**
 * HAND-WRITTEN (this machine has no sensors, cpufreq or throttle counters): the sysfs and procfs
 * of a 1-socket, 2-core/4-thread laptop being throttled, laid out as the kernel documents it
 * (Documentation/hwmon/sysfs-interface.rst, thermal/sysfs-api.rst, admin-guide/pm/cpufreq.rst,
 * x86 therm_throt's thermal_throttle/ files), in the kernel's units (m°C, kHz, ms). Tests bump
 * the counters and frequencies between readings to play what happens over time.
 */
export interface LaptopState {
  /** core_throttle_count per CPU. */
  cores: [number, number, number, number];
  /** package_throttle_count of package 0. */
  pkg: number;
  /** scaling_cur_freq per CPU, kHz. */
  curKhz: [number, number, number, number];
  /** Hottest sensor (Package id 0), m°C. */
  packageMilli?: number;
}

/** The files of the laptop in `s`. */
export function laptopFiles(s: LaptopState): Record<string, string> {
  const files: Record<string, string> = {
    'sys/devices/system/cpu/online': '0-3\n',
    'sys/devices/system/node/node0/cpulist': '0-3\n',
    'sys/devices/system/node/node0/distance': '10\n',
    'sys/class/hwmon/hwmon3/name': 'coretemp\n',
    'sys/class/hwmon/hwmon3/temp1_label': 'Package id 0\n',
    'sys/class/hwmon/hwmon3/temp1_input': `${s.packageMilli ?? 99000}\n`,
    'sys/class/hwmon/hwmon3/temp1_max': '100000\n',
    'sys/class/hwmon/hwmon3/temp1_crit': '100000\n',
    'sys/class/hwmon/hwmon3/temp2_label': 'Core 0\n',
    'sys/class/hwmon/hwmon3/temp2_input': '98000\n',
    'sys/class/hwmon/hwmon3/temp3_label': 'Core 1\n',
    'sys/class/hwmon/hwmon3/temp3_input': '97000\n',
    'sys/class/thermal/thermal_zone0/type': 'x86_pkg_temp\n',
    'sys/class/thermal/thermal_zone0/temp': `${s.packageMilli ?? 99000}\n`,
    'sys/class/thermal/thermal_zone0/trip_point_0_type': 'passive\n',
    'sys/class/thermal/thermal_zone0/trip_point_0_temp': '95000\n',
    'sys/class/thermal/thermal_zone0/trip_point_1_type': 'critical\n',
    'sys/class/thermal/thermal_zone0/trip_point_1_temp': '105000\n',
  };
  for (let cpu = 0; cpu < 4; cpu++) {
    const d = `sys/devices/system/cpu/cpu${cpu}`;
    files[`${d}/topology/physical_package_id`] = '0\n';
    files[`${d}/topology/core_id`] = `${cpu % 2}\n`;
    files[`${d}/thermal_throttle/core_throttle_count`] = `${s.cores[cpu]}\n`;
    files[`${d}/thermal_throttle/core_throttle_total_time_ms`] = `${s.cores[cpu]! * 20}\n`;
    files[`${d}/thermal_throttle/package_throttle_count`] = `${s.pkg}\n`;
    files[`${d}/thermal_throttle/package_throttle_total_time_ms`] = `${s.pkg * 50}\n`;
    files[`${d}/cpufreq/scaling_cur_freq`] = `${s.curKhz[cpu]}\n`;
    files[`${d}/cpufreq/cpuinfo_max_freq`] = '4200000\n';
    files[`${d}/cpufreq/cpuinfo_min_freq`] = '400000\n';
    files[`${d}/cpufreq/scaling_max_freq`] = '4200000\n';
    files[`${d}/cpufreq/scaling_governor`] = 'powersave\n';
    files[`${d}/cpufreq/scaling_driver`] = 'intel_pstate\n';
  }
  return files;
}
